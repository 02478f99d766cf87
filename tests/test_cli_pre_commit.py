"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a fixture repository.

pre-commit builds the hook's environment with pip from the package index this machine reaches
(~1-2 minutes, once: every run below reuses it through one PRE_COMMIT_HOME in a tmp folder).
The repository under test is snapshotted (tracked and new files, as `git status` sees them) into
a clean git repository first: `try-repo` on a repository with uncommitted changes would build a
new environment for every call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = "from multiprocessing import Pool\n\nwith Pool(2) as pool:\n    pool.map(abs, [1])\n"
GOOD = "print('hello')\n"
GIT_ID = ["-c", "user.name=mpguard tests", "-c", "user.email=tests@mpguard.invalid", "-c", "commit.gpgsign=false"]

pytestmark = pytest.mark.timeout(900)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *GIT_ID, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> Path:
    snapshot = tmp_path_factory.mktemp("mpguard-snapshot")
    for name in git("ls-files", "-co", "--exclude-standard", "-z", cwd=ROOT).split("\0"):
        if name and (ROOT / name).is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, snapshot / name)
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "bad_too.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard]\nexclude = ["generated"]\n')
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "fixture", cwd=tmp_path)
    return tmp_path


def try_repo(hooks_repo: Path, home: Path, hook: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), hook, "--all-files",
                           "--color", "never"], cwd=cwd, env=env, capture_output=True, text=True, timeout=840)


def test_check_hook_fails_on_the_bad_file_only(hooks_repo: Path, pre_commit_home: Path, project: Path):
    proc = try_repo(hooks_repo, pre_commit_home, "mpguard", project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    reported = [line.split(":")[0] for line in proc.stdout.splitlines() if ": MP" in line]
    # good.py is clean; generated/bad_too.py is named by pre-commit but excluded (--force-exclude)
    assert reported == ["bad.py"], proc.stdout
    assert "- hook id: mpguard\n- exit code: 1" in proc.stdout


def test_fix_hook_fixes_and_then_the_check_passes(hooks_repo: Path, pre_commit_home: Path, project: Path):
    fix = try_repo(hooks_repo, pre_commit_home, "mpguard-fix", project)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit fails a hook that changed files
    assert "- files were modified by this hook" in fix.stdout
    assert 'if __name__ == "__main__":\n    with Pool(2) as pool:' in (project / "bad.py").read_text()
    assert (project / "generated" / "bad_too.py").read_text() == BAD  # excluded: untouched
    git("add", "-A", cwd=project)
    check = try_repo(hooks_repo, pre_commit_home, "mpguard", project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "mpguard" in check.stdout and "Passed" in check.stdout
