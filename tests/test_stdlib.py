"""The engine over the standard library of the running interpreter.

- `mpguard check` over the whole stdlib: no internal error (every file parses or gets MP000).
- fix-all (safe and unsafe) over every stdlib module that mentions a process API: each result
  parses, keeps every def/class, and is idempotent (fixing the fixed text changes nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from mpguard.config import Config
from mpguard.engine import analyze, mentions_process_api
from mpguard.fixer import fix_text
from mpguard.sources import read_python_source

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def stdlib_files() -> list[Path]:
    return sorted(p for p in STDLIB.rglob("*.py") if "site-packages" not in p.parts)


def process_api_files() -> list[Path]:
    out = []
    for p in stdlib_files():
        try:
            text = read_python_source(p)
        except (OSError, UnicodeDecodeError, SyntaxError):
            continue
        if mentions_process_api(text):
            out.append(p)
    return out


def definitions(module: cst.Module) -> list[str]:
    names: list[str] = []

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            names.append("def " + node.name.value)

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            names.append("class " + node.name.value)

    module.visit(Collect())
    return sorted(names)


def test_check_whole_stdlib_has_no_internal_error():
    proc = subprocess.run(
        [sys.executable, "-m", "mpguard", "check", "--format", "json", "--exit-zero", str(STDLIB)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "internal error" not in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    findings = json.loads(proc.stdout)
    assert isinstance(findings, list) and findings, "the stdlib has multiprocessing code to report"


FILES = process_api_files()


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(STDLIB)) for p in FILES])
def test_fix_all_on_stdlib_module(path: Path):
    text = read_python_source(path)
    result = analyze(text, str(path), Config())
    assert not result.rule_errors, result.rule_errors
    if not result.parsed:
        pytest.skip(f"does not parse: {result.syntax_error.message}")
    before = definitions(result.model.module)
    for unsafe in (False, True):
        fixed = fix_text(text, str(path), Config(), unsafe=unsafe)
        module = cst.parse_module(fixed.text)  # parses
        after = definitions(module)
        missing = [d for d in before if before.count(d) > after.count(d)]
        assert not missing, f"fixes lost definitions {missing}: {fixed.applied}"
        again = fix_text(fixed.text, str(path), Config(), unsafe=unsafe)
        assert again.text == fixed.text, f"not idempotent after {fixed.applied}: then {again.applied}"
