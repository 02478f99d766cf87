"""Runtime proofs for MP401 (lost async result) and MP402 (pool terminated early).

These rules are not crash-class: the broken scripts *succeed* (that is the bug). Each test runs
the script as written under `spawn` and shows the worker's error vanishing (or the script
hanging), then applies mpguard's own fix and shows the error surfacing (or the results arriving).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.fixer import fix_text

TIMEOUT = 20
RUNNER = (
    "import multiprocessing as mp, runpy, sys; mp.set_start_method('spawn', force=True); "
    "sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run_spawn(script: Path, timeout: float = TIMEOUT) -> tuple[str, int | None]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=script.parent, env=env,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return out, proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the script's own process group (its pool workers included)
        out, _ = proc.communicate()
        return out or "", None


def fixed(code: str, rule: str) -> str:
    config = Config(select=frozenset({rule}))
    assert any(f.code == rule for f in analyze(code, "case.py", config).findings), f"{rule} not reported"
    result = fix_text(code, "case.py", config, unsafe=True)
    assert result.changed, f"no {rule} fix applied"
    assert not any(f.code == rule for f in analyze(result.text, "case.py", config).findings), result.text
    return result.text


LOST_SUBMIT = textwrap.dedent("""
    from concurrent.futures import ProcessPoolExecutor

    def convert(name):
        if name == "b":
            raise ValueError("cannot convert " + name)
        return name.upper()

    if __name__ == "__main__":
        with ProcessPoolExecutor(max_workers=2) as ex:
            for name in ["a", "b", "c"]:
                ex.submit(convert, name)
        print("all converted")
""")

LOST_APPLY_ASYNC = textwrap.dedent("""
    from multiprocessing import Pool

    def resize(path):
        if path.endswith(".gif"):
            raise ValueError("unsupported format: " + path)
        return path

    if __name__ == "__main__":
        with Pool(2) as pool:
            for p in ["a.png", "b.gif"]:
                pool.apply_async(resize, (p,))
            pool.close()
            pool.join()
        print("all resized")
""")

LOST_MAP_ITERATOR = textwrap.dedent("""
    from concurrent.futures import ProcessPoolExecutor

    def upload(page):
        if page == 2:
            raise ValueError("upload failed for page 2")
        return page

    if __name__ == "__main__":
        with ProcessPoolExecutor(max_workers=2) as ex:
            ex.map(upload, [1, 2, 3])
        print("all uploaded")
""")


@pytest.mark.parametrize("code,success", [
    (LOST_SUBMIT, "all converted"),
    (LOST_APPLY_ASYNC, "all resized"),
    (LOST_MAP_ITERATOR, "all uploaded"),
], ids=["submit", "apply_async", "executor_map"])
def test_mp401_error_vanishes_then_surfaces(code: str, success: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(code)
    out, rc = run_spawn(broken)
    assert rc == 0, out
    assert success in out and "ValueError" not in out, out  # the failure vanished silently

    good = tmp_path / "fixed.py"
    good.write_text(fixed(code, "MP401"))
    out, rc = run_spawn(good)
    assert rc not in (0, None), f"fixed script should fail loudly:\n{out}\n{good.read_text()}"
    assert "ValueError" in out and success not in out, out


TERMINATED = textwrap.dedent("""
    import time
    from multiprocessing import Pool

    def square(x):
        time.sleep(0.2)
        return x * x

    if __name__ == "__main__":
        with Pool(2) as pool:
            result = pool.map_async(square, range(8))
        print("total", sum(result.get()))
""")


def test_mp402_pool_exit_drops_pending_work(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(TERMINATED)
    out, rc = run_spawn(broken, timeout=10)
    assert rc is None, f"expected a hang (the pool was terminated with the tasks pending): rc={rc}\n{out}"

    # MP402 offers no automatic fix for this shape (`close(); join()` at the end of the block is
    # never safe: RULES.md, "Fix safety"); the documented fix is to retrieve inside the block.
    good = tmp_path / "fixed.py"
    good.write_text(TERMINATED.replace(
        '        result = pool.map_async(square, range(8))\n    print("total", sum(result.get()))',
        '        result = pool.map_async(square, range(8))\n        total = sum(result.get())\n'
        '    print("total", total)'))
    assert good.read_text() != TERMINATED
    assert not [f for f in analyze(good.read_text(), "case.py", Config(select=frozenset({"MP402"}))).findings]
    out, rc = run_spawn(good)
    assert rc == 0, f"{out}\n{good.read_text()}"
    assert "total 140" in out, out
