"""Runtime proofs for crash-class rules that have no automatic fix (e.g. MP203).

`mpguard fix` cannot produce the fixed version, so each broken script in manual/ has a
hand-written sibling `<name>.fixed.py`. The test checks that (1) the broken script really fails
under spawn as its header says and mpguard reports the rule on it, and (2) the hand-written fix
runs, prints the expected output, and mpguard no longer reports the rule.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_runtime_proofs import header, run_spawn

HERE = Path(__file__).parent / "manual"
CASES = sorted(p for p in HERE.glob("*.py") if not p.name.endswith(".fixed.py"))


def _reported(code: str, path: Path) -> bool:
    check = subprocess.run([sys.executable, "-m", "mpguard", "check", "--format", "json", "--select", code,
                            str(path)], capture_output=True, text=True, timeout=120)
    return f'"{code}"' in check.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_manual_proof(case: Path, tmp_path: Path) -> None:
    meta = header(case)
    code = meta["proof"]
    fixed_src = case.with_name(case.stem + ".fixed.py")
    assert fixed_src.exists(), f"missing hand-written fix {fixed_src.name}"

    broken = tmp_path / "broken" / case.name
    broken.parent.mkdir()
    shutil.copy(case, broken)
    output, rc = run_spawn(broken, meta.get("runner") == "plain")
    assert re.search(meta["fails-with"], output), f"expected /{meta['fails-with']}/ in:\n{output[-3000:]}"
    assert _reported(code, broken), f"{code} not reported on {case.name}"

    fixed = tmp_path / "fixed" / case.name
    fixed.parent.mkdir()
    shutil.copy(fixed_src, fixed)
    assert not _reported(code, fixed), f"{code} still reported on {fixed_src.name}"
    output, rc = run_spawn(fixed, meta.get("runner") == "plain")
    assert rc == 0, f"hand-written fix failed (rc={rc}):\n{output[-3000:]}"
    assert meta["expect-output"] in output, f"missing {meta['expect-output']!r} in:\n{output[-2000:]}"
