"""Runtime proofs for crash-class rules.

Each file in cases/ is a realistic script that really fails under the `spawn` start method. Its
header says how:

    # proof: MP201
    # fails-with: <regex matched against stderr+stdout, or TIMEOUT for a hang>
    # expect-output: <text the fixed script must print>
    # fix-args: --unsafe-fixes        (optional extra arguments for `mpguard fix`)
    # runner: plain                   (optional: run as `python script.py`; the script sets its
    #                                  own start method)

The test (1) runs the script under spawn in a subprocess with a timeout and checks it fails as
described, (2) runs `mpguard fix` on a copy (the CLI, not a hand-written fix), (3) checks that the
rule's finding is gone and (4) runs the fixed script under spawn and checks its output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))
TIMEOUT = 12
# Force spawn exactly as Windows/macOS would, whatever this platform's default is.
# The script runs in the real `__main__` module (not a runpy temporary one): importing
# multiprocessing aliases `sys.modules['__mp_main__']` to the `__main__` of that moment, and the parent
# resolves classes pickled back by children (e.g. an exception raised in a task) through that alias.
RUNNER = (
    "import multiprocessing as mp, sys; mp.set_start_method('spawn', force=True); "
    "sys.argv = [sys.argv[1]]; m = sys.modules['__main__']; m.__file__ = sys.argv[0]; "
    "exec(compile(open(sys.argv[0]).read(), sys.argv[0], 'exec'), m.__dict__)"
)


def header(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in path.read_text().splitlines()[:12]:
        m = re.match(r"#\s*(proof|fails-with|expect-output|fix-args|runner):\s*(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def run_spawn(script: Path, plain: bool = False) -> tuple[str, int | None]:
    """Run under spawn; `plain` runs the script as is (for scripts that choose their own start
    method, such as the MP102 and MP209 proofs: forcing spawn first would fail them differently)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    try:
        proc = subprocess.run(
            [sys.executable, str(script)] if plain else [sys.executable, "-c", RUNNER, str(script)],
            capture_output=True, text=True, timeout=TIMEOUT, cwd=script.parent, env=env,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        _kill_group(exc)
        return out, None
    return proc.stdout + proc.stderr, proc.returncode


def _kill_group(exc: subprocess.TimeoutExpired) -> None:
    # subprocess.run already killed the direct child; spawned grandchildren share its session.
    subprocess.run(["pkill", "-9", "-f", str(exc.cmd[-1])], check=False)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_runtime_proof(case: Path, tmp_path: Path) -> None:
    meta = header(case)
    code = meta["proof"]
    broken = tmp_path / "broken" / case.name
    broken.parent.mkdir()
    shutil.copy(case, broken)
    plain = meta.get("runner") == "plain"
    output, rc = run_spawn(broken, plain)
    if rc is None:
        output += "\nTIMEOUT"
    if meta["fails-with"] == "TIMEOUT":
        assert rc is None, f"expected a hang, got rc={rc}: {output[-2000:]}"
    else:
        assert rc is None or rc != 0 or re.search(meta["fails-with"], output), output[-2000:]
        assert re.search(meta["fails-with"], output), f"expected /{meta['fails-with']}/ in:\n{output[-3000:]}"

    fixed = tmp_path / "fixed" / case.name
    fixed.parent.mkdir()
    shutil.copy(case, fixed)
    args = meta.get("fix-args", "").split()
    fix = subprocess.run([sys.executable, "-m", "mpguard", "fix", *args, str(fixed)],
                         capture_output=True, text=True, timeout=120)
    assert fix.returncode in (0, 1), fix.stderr
    new_text = fixed.read_text()
    assert new_text != case.read_text(), f"mpguard fix changed nothing: {fix.stdout}{fix.stderr}"
    check = subprocess.run([sys.executable, "-m", "mpguard", "check", "--format", "json",
                            "--select", code, str(fixed)], capture_output=True, text=True, timeout=120)
    assert f'"{code}"' not in check.stdout, f"{code} still reported after the fix:\n{check.stdout}\n{new_text}"

    output, rc = run_spawn(fixed, plain)
    assert rc == 0, f"fixed script failed (rc={rc}):\n{output[-3000:]}\n--- fixed text ---\n{new_text}"
    assert meta["expect-output"] in output, f"missing {meta['expect-output']!r} in:\n{output[-2000:]}"
