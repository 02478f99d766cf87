import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "server")
if SERVER not in sys.path:
    sys.path.insert(0, SERVER)

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-fixtures", action="store_true", default=False,
                     help="rewrite tests/rules/MPxxx/*.fixed.py from the fixer's current output")


_E2E_PARTS = ("tests/editors/", "tests/e2e/", "tests/test_vsix_bundle.py")


def pytest_collection_modifyitems(config, items):
    """`./run-tests --fast` sets MPGUARD_SKIP_E2E: skip the editor and VS Code tests (they need
    the set-up the full run does)."""
    if not os.environ.get("MPGUARD_SKIP_E2E"):
        return
    skip = pytest.mark.skip(reason="MPGUARD_SKIP_E2E is set (./run-tests --fast)")
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if any(part in path for part in _E2E_PARTS):
            item.add_marker(skip)
