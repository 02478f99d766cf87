"""The file size limit (mpguard.size_limit): `max-file-size-kb` in the CLI, `--force` past it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mpguard.config import Config
from mpguard.size_limit import DEFAULT_MAX_FILE_SIZE_KB, size_notice, size_over_limit

BROKEN = "from multiprocessing import Pool\nwith Pool(2) as pool:\n    pool.map(abs, [1])\n"
PADDED = BROKEN + "# padding\n" * 300  # 3,076 bytes (reported rounded up: 4 kB), over a 2 kB limit
NOTICE = "mpguard: warning: {name}: File is 4 kB, over the 2 kB limit (max-file-size-kb); not checked. " \
         "Use --force to check it."


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], capture_output=True, text=True, cwd=cwd,
                          input=stdin, timeout=120)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.mpguard]\nmax-file-size-kb = 2\n")
    (tmp_path / "big.py").write_text(PADDED)
    (tmp_path / "small.py").write_text(BROKEN)
    return tmp_path


def test_size_is_counted_in_utf8_bytes_and_zero_means_no_limit():
    assert DEFAULT_MAX_FILE_SIZE_KB == Config().max_file_size_kb == 1024
    assert size_over_limit("x" * 1024, 1) is None
    assert size_over_limit("x" * 1025, 1) == 1025
    assert size_over_limit("é" * 600, 1) == 1200  # two bytes each
    assert size_over_limit("x" * 10**6, 0) is None
    assert size_notice(5_000_000, 1024, "maxFileSizeKb") == \
        "File is 4,883 kB, over the 1,024 kB limit (maxFileSizeKb); not checked."


def test_config_key_and_bad_values():
    assert Config().with_overrides(**{"max-file-size-kb": 10}).max_file_size_kb == 10
    assert Config().with_overrides(maxFileSizeKb=0).max_file_size_kb == 0
    bad = Config().with_overrides(**{"max-file-size-kb": "big"})
    assert bad.max_file_size_kb == 1024
    assert bad.warnings == ("mpguard: `max-file-size-kb` must be a whole number of kB (0: no limit), "
                            "got 'big'; ignored",)


def test_check_skips_a_file_over_the_limit_with_one_notice_and_force_checks_it(project: Path):
    skipped = run("check", "big.py", "small.py", "--no-cache", cwd=project)
    assert skipped.stderr.splitlines() == [NOTICE.format(name="big.py")]
    assert [line.split(":")[0] for line in skipped.stdout.splitlines()[:-1]] == ["small.py"]
    assert skipped.returncode == 1
    forced = run("check", "big.py", "--force", "--no-cache", cwd=project)
    assert forced.stderr == ""
    assert forced.stdout.startswith("big.py:2:6: MP101 ")
    assert forced.returncode == 1


def test_standard_input_and_fix_honour_the_limit(project: Path):
    skipped = run("check", "-", "--stdin-filename", "big.py", cwd=project, stdin=PADDED)
    assert (skipped.returncode, skipped.stderr.splitlines()) == (0, [NOTICE.format(name="big.py")])
    fixed = run("fix", "big.py", cwd=project)
    assert NOTICE.format(name="big.py") in fixed.stderr.splitlines()
    assert (project / "big.py").read_text() == PADDED
    echoed = run("fix", "-", "--stdin-filename", "big.py", cwd=project, stdin=PADDED)
    assert echoed.stdout == PADDED and echoed.returncode == 0
    forced = run("fix", "big.py", "--force", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert (project / "big.py").read_text() != PADDED
