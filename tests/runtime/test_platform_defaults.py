"""Runtime proof of the per-platform start methods mpguard assumes (docs/python-3.14.md).

CPython 3.14 is not installed here, so its new Linux default, `forkserver`, is selected
explicitly: the same program that works under `fork` (Linux before 3.14) fails under
`forkserver`, and mpguard reports it exactly when the targets include a platform that does not
fork. The second program is the standard-library equivalent of `DataLoader(num_workers=2,
collate_fn=lambda b: b)`: a lambda travels inside the arguments of a worker `Process`.
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

def _program(module_level: str, in_main: str, process: str) -> str:
    """A script that starts one process under the method named on its command line."""
    return textwrap.dedent('''
        import multiprocessing as mp
        import sys

        {module_level}

        def main():
            {in_main}
            q = mp.Queue()
            p = mp.Process({process})
            p.start()
            print(q.get(timeout=10))
            p.join()


        if __name__ == "__main__":
            mp.set_start_method(sys.argv[1])
            main()
    ''').format(module_level=module_level, in_main=in_main, process=process)


NESTED_TARGET = _program("", "def work(q):\n        q.put('worked')\n", "target=work, args=(q,)")
# what a DataLoader worker runs, with the loader's collate_fn
LOADER_EQUIVALENT = _program("def worker_loop(collate, q):\n    q.put(collate([1, 2]))\n", "",
                             "target=worker_loop, args=(lambda batch: sum(batch), q)")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and forkserver are POSIX start methods")


def run(code: str, method: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "job.py"
    script.write_text(code)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    return subprocess.run([sys.executable, str(script), method], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env=env)


@pytest.mark.parametrize("code, expected", [(NESTED_TARGET, "worked"), (LOADER_EQUIVALENT, "3")])
def test_fork_inherits_what_forkserver_must_pickle(code, expected, tmp_path):
    forked = run(code, "fork", tmp_path)
    assert (forked.returncode, forked.stdout.strip()) == (0, expected)
    served = run(code, "forkserver", tmp_path)
    assert served.returncode != 0
    assert "Can't pickle local object" in served.stderr or "Can't get local object" in served.stderr \
        or "Can't pickle <function <lambda>" in served.stderr, served.stderr


def test_mpguard_reports_it_where_a_targeted_platform_does_not_fork():
    code = NESTED_TARGET.replace('        mp.set_start_method(sys.argv[1])\n', '')  # the platform decides

    def codes(**settings) -> list[str]:
        config = Config(select=frozenset({"MP202"})).with_overrides(**settings)
        return [f.code for f in analyze(code, "job.py", config).findings]

    assert codes(platforms=["linux"], **{"target-version": "py313"}) == []  # fork: works, as run above
    assert codes(platforms=["linux"], **{"target-version": "py314"}) == ["MP202"]  # forkserver: fails
    assert codes() == ["MP202"]  # macOS and Windows spawn
