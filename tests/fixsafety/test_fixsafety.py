"""Fix safety on working programs (RULES.md "Fix safety").

Every program in programs/ works today: run under spawn it prints EXPECTED[name] and exits 0.
Each contains patterns that mpguard's rules report and its fixes rewrite. The contract:
- after `mpguard fix` (safe fixes only) the program prints the same and exits the same;
- after `mpguard fix --unsafe-fixes` it still finishes and exits 0 (unsafe fixes may change
  timing and output, never turn a working program into one that hangs or fails).
A case where today's fixes break that contract is marked `xfail(strict=True)` with the exact
reason, so the suite stays green while documenting the breakage; when the fix is corrected the
case XPASSes and the strict marker makes the suite fail until the marker is removed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
TIMEOUT = 25  # seconds; the slowest working program needs about 3 under load
RUNNER = (
    "import multiprocessing as mp, runpy, sys; mp.set_start_method('spawn', force=True); "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)

EXPECTED = {
    "signal_after_with_block": "listener submitted\ngo sent\n",
    "parent_works_while_task_runs": "parent: own work done\nworker: squared 7\nparent: result 49\n",
    "throttled_feeder": "total 9900\n",
    "pool_left_open": "[0, 1, 4, 9, 16]\n14\n",
    "pool_in_both_branches": "[0, 1, 4, 9, 16]\n[16, 25]\n",
    "join_before_small_get": "40\n[0, 10, 20]\n",
    "side_effect_map": "['out-0.txt', 'out-1.txt', 'out-2.txt']\n",
    "stopped_ticker": "ticker stopped\n",
    "ordered_imap_over_list": "200 [0, 1, 8] 7880599\n",
    "thread_pool_lambdas": "[1, 2, 3]\n[0, 2, 4]\n[0, -1, -2]\n",
    "fork_context_lambda": "42 0\n",
    "results_collected_after_close": "parent: submitted 4\n[0, 2, 4, 6]\n",
    "join_in_helper_after_close": "[3, 6, 9]\n",
    "results_read_after_parent_work": "parent: own work done\n[0, 1, 4, 9]\n",
    "terminated_sleeper": "helper stopped\n",
}

# Fixes that still break a working program are listed below (xfail, strict). Fixed since issue 11:
# MP402's `close(); join()` fix (it hung `signal_after_with_block`) is no longer offered,
# MP601's `with` fix (it moved the waiting in `parent_works_while_task_runs`) is now unsafe, and
# MP302 no longer offers a constant `chunksize=32` (it deadlocked `throttled_feeder`); MP403's
# exit-code check is not offered after `terminate()` (it made `terminated_sleeper` fail).
SAFE_BREAKS: dict[str, str] = {}
UNSAFE_BREAKS = {
    "signal_after_with_block": "MP402's unsafe conversion to `ProcessPoolExecutor` waits for the task at "
                               "the block's exit; the task waits for an event set after the block",
}


def run_spawn(script: Path) -> tuple[str, int | None]:
    """Standard output and exit code of the script under spawn; exit code None when it timed out.

    Standard error is not compared: interpreter-exit noise (a pool left open, resource tracker
    warnings) varies from run to run, and a failure shows in the exit code anyway.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "PYTHONWARNINGS")}
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=script.parent, env=env,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
        return out, proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the program's whole process group, pool workers included
        out, _ = proc.communicate()
        return out or "", None


def fixed_copy(name: str, folder: Path, unsafe: bool) -> Path:
    folder.mkdir()
    script = folder / f"{name}.py"
    shutil.copyfile(PROGRAMS / f"{name}.py", script)
    flags = ["--unsafe-fixes"] if unsafe else []
    done = subprocess.run([sys.executable, "-m", "mpguard", "fix", "--exit-zero", *flags, str(script)],
                          capture_output=True, text=True, cwd=folder, timeout=120)
    assert done.returncode == 0, done.stderr
    return script


def cases(breaks: dict[str, str]) -> list:
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=breaks[name])) if name in breaks
            else name for name in sorted(EXPECTED)]


def test_every_program_is_listed():
    assert sorted(p.stem for p in PROGRAMS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_program_works_as_written(name, tmp_path):
    script = tmp_path / f"{name}.py"
    shutil.copyfile(PROGRAMS / f"{name}.py", script)
    assert run_spawn(script) == (EXPECTED[name], 0)


@pytest.mark.parametrize("name", cases(SAFE_BREAKS))
def test_safe_fixes_keep_output_and_exit(name, tmp_path):
    script = fixed_copy(name, tmp_path / "safe", unsafe=False)
    assert run_spawn(script) == (EXPECTED[name], 0)


@pytest.mark.parametrize("name", cases(UNSAFE_BREAKS))
def test_unsafe_fixes_neither_hang_nor_fail(name, tmp_path):
    script = fixed_copy(name, tmp_path / "unsafe", unsafe=True)
    out, code = run_spawn(script)
    assert code is not None, f"hung after `mpguard fix --unsafe-fixes`; output so far: {out!r}"
    assert code == 0, f"exit code {code} after `mpguard fix --unsafe-fixes`:\n{script.read_text()}"
