"""A linter never runs the code it checks (issue 16): canaries, isolated workers, safe fix writes,
a private verified cache, terminal escaping."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from mpguard.isolation import MAX_WORKERS, drop_cwd_from_sys_path, isolated_flags, pool_size
from mpguard.safe_write import FixWriter

BROKEN = """from multiprocessing import Pool

def work(x):
    return x * 2

with Pool(2) as pool:
    print(pool.map(work, range(4)))
"""
FIXED = """from multiprocessing import Pool

def work(x):
    return x * 2

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, range(4)))
"""
MPGUARD_SCRIPT = Path(sys.executable).with_name("mpguard")

# Modules a checked tree could plant to run code when mpguard imports by name.
SHADOWED = ("multiprocessing", "sitecustomize", "usercustomize", "libcst", "jedi", "pygls",
            "lsprotocol", "mpguard", "json", "difflib", "argparse", "tokenize", "concurrent")
# What CPython itself imports for `python -m` before mpguard gets control (runpy's imports):
# out of mpguard's reach, documented in docs/security.md; `python -P -m` and the console
# script are not affected.
BEFORE_MPGUARD_RUNS = ("mpguard",)


def canary_code(canaries: Path, name: str) -> str:
    return f"open({str(canaries / name)!r}, 'w').close()\n"


def plant_canaries(repo: Path, canaries: Path, files: int = 16) -> None:
    """A repository that runs code if anything in it is imported or executed."""
    canaries.mkdir()
    for name in SHADOWED:
        (repo / f"{name}.py").write_text(canary_code(canaries, f"module-{name}"))
    # A package form too (a folder wins over a module of the same name on sys.path).
    (repo / "libcst_pkg_shadow").mkdir()
    venv_bin = repo / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    site = repo / ".venv" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    site.mkdir(parents=True)
    (repo / ".venv" / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\n")
    (site / "evil.pth").write_text("import os; " + canary_code(canaries, "pth").strip() + "\n")
    fake_python = venv_bin / "python"  # a program that is not Python at all
    fake_python.write_text(f"#!/bin/sh\ntouch {canaries / 'venv-python'}\nexec {sys.executable} \"$@\"\n")
    fake_python.chmod(0o755)
    # A venv linked to the system Python, as jedi's "safe" check accepts: runs evil.pth.
    (venv_bin / "python3").symlink_to(os.path.realpath(sys.executable))
    # Enough process-using source for the CLI to use its worker pool (see cli.check_files:
    # > 150 kB to analyse; run_parallel: >= 16 jobs for fix).
    filler = "".join(f"def helper_{i}(a, b):\n    return a + b * {i}\n\n" for i in range(250))
    for i in range(files):
        (repo / f"job_{i:02}.py").write_text(BROKEN + "\n" + filler)


def run_mpguard(cmd: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    env["MPGUARD_CACHE_DIR"] = str(cwd.parent / "cache")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture()
def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    repo.mkdir()
    canaries = tmp_path / "canaries"
    plant_canaries(repo, canaries)
    return repo, canaries


def test_canaries_fire_when_imported(hostile_repo):
    """Positive control: the planted modules do run when Python imports from the repository."""
    repo, canaries = hostile_repo
    subprocess.run([sys.executable, "-c", "import multiprocessing, json"], cwd=repo, check=True)
    subprocess.run([str(repo / ".venv" / "bin" / "python"), "-c", "pass"], check=True)
    subprocess.run([str(repo / ".venv" / "bin" / "python3"), "-c", "pass"], check=True)
    assert sorted(p.name for p in canaries.iterdir()) == ["module-json", "module-multiprocessing", "pth", "venv-python"]


@pytest.mark.skipif(not MPGUARD_SCRIPT.exists(), reason="the console script is installed with the package")
def test_console_script_check_fix_diff_run_nothing_from_the_tree(hostile_repo):
    repo, canaries = hostile_repo
    check = run_mpguard([str(MPGUARD_SCRIPT), "check", "--no-cache", "--jobs", "2", "."], repo)
    assert check.returncode == 1, check.stderr
    assert check.stdout.count("MP101") == 16
    diff = run_mpguard([str(MPGUARD_SCRIPT), "fix", "--diff", "--jobs", "2", "."], repo)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout.count('+if __name__ == "__main__":') == 16
    fix = run_mpguard([str(MPGUARD_SCRIPT), "fix", "--jobs", "2", "."], repo)
    assert "Fixed 16 files" in fix.stderr, fix.stderr
    assert '\nif __name__ == "__main__":\n    with Pool(2) as pool:' in (repo / "job_00.py").read_text()
    assert list(canaries.iterdir()) == []


def test_python_dash_m_runs_nothing_from_the_tree_once_mpguard_has_control(hostile_repo):
    repo, canaries = hostile_repo
    for name in BEFORE_MPGUARD_RUNS:
        (repo / f"{name}.py").unlink()
    check = run_mpguard([sys.executable, "-m", "mpguard", "check", "--jobs", "2", "."], repo)
    assert check.returncode == 1, check.stderr
    assert check.stdout.count("MP101") == 16
    assert list(canaries.iterdir()) == []


@pytest.mark.skipif(sys.version_info < (3, 11), reason="`python -P` is new in 3.11")
def test_python_dash_P_dash_m_runs_nothing_at_all(hostile_repo):
    repo, canaries = hostile_repo
    (repo / "keyword.py").write_text(canary_code(canaries, "module-keyword"))  # runpy imports it
    proc = run_mpguard([sys.executable, "-P", "-m", "mpguard", "check", "--no-cache", "--jobs", "2", "."], repo)
    assert proc.returncode == 1, proc.stderr
    assert list(canaries.iterdir()) == []


# ---- the worker pool ------------------------------------------------------------------------

def worker_facts(_job: int) -> tuple[int, int, list[str]]:
    return os.getpid(), sys.flags.isolated, list(sys.path)


def test_pool_workers_start_isolated_without_cwd_on_sys_path(tmp_path: Path, monkeypatch):
    from multiprocessing import util

    from mpguard.cli import run_parallel

    monkeypatch.setattr(util, "_args_from_interpreter_flags", util._args_from_interpreter_flags)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    facts = run_parallel(worker_facts, list(range(16)), workers=2)
    assert {pid for pid, _, _ in facts} - {os.getpid()}, "the jobs ran in worker processes"
    for _, isolated, path in facts:
        assert isolated == 1
        assert "" not in path and str(tmp_path) not in path


def test_the_pool_context_is_spawn(monkeypatch):
    from multiprocessing import util

    from mpguard.isolation import isolated_spawn_context

    monkeypatch.setattr(util, "_args_from_interpreter_flags", util._args_from_interpreter_flags)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert isolated_spawn_context().get_start_method() == "spawn"
    assert "-I" in util._args_from_interpreter_flags()


def test_isolated_flags_add_dash_I_once():
    assert isolated_flags(lambda: ["-E", "-s", "-P", "-Wd"])() == ["-Wd", "-I"]
    assert isolated_flags(lambda: ["-I"])() == ["-I"]
    wrapped = isolated_flags(lambda: [])
    assert isolated_flags(wrapped) is wrapped


def test_drop_cwd_from_sys_path(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), "/usr/lib/python3", "", "."])
    drop_cwd_from_sys_path()
    assert sys.path == ["/usr/lib/python3"]
    monkeypatch.setattr(sys, "path", ["/opt/bin", str(tmp_path)])  # only a first entry is path0
    drop_cwd_from_sys_path()
    assert sys.path == ["/opt/bin", str(tmp_path)]


@pytest.mark.parametrize("requested, cpus, expected", [
    (None, 2, 2), (None, 64, 8), (None, 1, 1), (4, 64, 4), (61, 64, 61), (62, 64, 61),
    (1000, 2, 61), (0, 4, 1), (-3, 4, 1),
])
def test_pool_size_never_above_61(requested, cpus, expected):
    assert pool_size(requested, cpu_count=cpus) == expected
    assert MAX_WORKERS == 61


def test_jobs_1000_asks_the_pool_for_61_workers(monkeypatch):
    import concurrent.futures

    from mpguard import cli

    asked: list[int] = []

    class RecordingPool(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, max_workers, mp_context=None):
            asked.append(max_workers)
            super().__init__(max_workers=2)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", RecordingPool)
    assert len(cli.run_parallel(worker_facts, list(range(20)), workers=1000)) == 20
    assert asked == [61]


# ---- fix writes -----------------------------------------------------------------------------

def test_fix_does_not_follow_a_symlink_out_of_the_tree(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_text(BROKEN)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.py").symlink_to(victim)
    (repo / "own.py").write_text(BROKEN)
    proc = run_mpguard([sys.executable, "-m", "mpguard", "fix", "."], repo)
    assert victim.read_text() == BROKEN
    assert (repo / "own.py").read_text() == FIXED
    assert (repo / "link.py").is_symlink()
    assert f"mpguard: link.py: resolves to {victim}, outside the checked folders; not rewritten" in proc.stderr
    assert "Fixed 1 file; 1 problem left." in proc.stderr
    assert proc.returncode == 1


def test_fix_writes_through_a_link_inside_the_tree_once(tmp_path: Path):
    (tmp_path / "real.py").write_text(BROKEN)
    (tmp_path / "alias.py").symlink_to(tmp_path / "real.py")
    writer = FixWriter([str(tmp_path)])
    assert writer.write(str(tmp_path / "alias.py"), BROKEN, FIXED) is None
    assert (tmp_path / "alias.py").is_symlink()
    assert (tmp_path / "real.py").read_text() == FIXED
    assert writer.write(str(tmp_path / "real.py"), BROKEN, FIXED) == (
        f"{tmp_path / 'real.py'}: is a link to {tmp_path / 'real.py'}, which was already fixed; not rewritten")


def test_fix_skips_a_file_changed_since_analysis(tmp_path: Path):
    target = tmp_path / "job.py"
    target.write_text(BROKEN + "# the user saved this meanwhile\n")
    reason = FixWriter([str(tmp_path)]).write(str(target), BROKEN, FIXED)
    assert reason == f"{target}: changed since it was analysed; not rewritten (run `mpguard fix` again)"
    assert target.read_text() == BROKEN + "# the user saved this meanwhile\n"


def test_fix_skips_a_file_swapped_for_a_symlink(tmp_path: Path):
    outside = tmp_path / "secret.py"
    outside.write_text(BROKEN)
    repo = tmp_path / "repo"
    repo.mkdir()
    swapped = repo / "job.py"
    swapped.symlink_to(outside)  # was a regular file with BROKEN when analysed
    reason = FixWriter([str(repo)]).write(str(swapped), BROKEN, FIXED)
    assert reason == f"{swapped}: resolves to {outside}, outside the checked folders; not rewritten"
    assert outside.read_text() == BROKEN


def test_fix_carries_on_when_a_file_vanishes(tmp_path: Path):
    gone, kept = tmp_path / "gone.py", tmp_path / "kept.py"
    kept.write_text(BROKEN)
    writer = FixWriter([str(tmp_path)])
    assert writer.write(str(gone), BROKEN, FIXED) == f"{gone}: vanished before the fix could be written; skipped"
    assert writer.write(str(kept), BROKEN, FIXED) is None
    assert kept.read_text() == FIXED


def test_fix_refuses_fifos_and_folders(tmp_path: Path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    folder = tmp_path / "dir.py"
    folder.mkdir()
    writer = FixWriter([str(tmp_path)])
    assert writer.write(str(fifo), BROKEN, FIXED) == f"{fifo}: is not a regular file; not rewritten"
    assert writer.write(str(folder), BROKEN, FIXED) == f"{folder}: is not a regular file; not rewritten"


def test_fix_is_atomic_and_keeps_mode_owner_encoding_and_bom(tmp_path: Path):
    target = tmp_path / "job.py"
    original = b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + BROKEN.encode()
    target.write_bytes(original)
    target.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(target, 12345, 54321)
    inode = target.stat().st_ino
    analysed = "# -*- coding: utf-8 -*-\n" + BROKEN
    assert FixWriter([str(tmp_path)]).write(str(target), analysed, "# -*- coding: utf-8 -*-\n" + FIXED) is None
    st = target.stat()
    assert target.read_bytes() == b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n" + FIXED.encode()
    assert st.st_ino != inode, "written to a new file and renamed over the old one"
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (12345, 54321)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"], "no temporary file left"


def test_fix_keeps_latin1_encoding(tmp_path: Path):
    target = tmp_path / "legacy.py"
    target.write_bytes("# -*- coding: latin-1 -*-\n# café\n".encode("latin-1") + BROKEN.encode())
    analysed = "# -*- coding: latin-1 -*-\n# café\n" + BROKEN
    assert FixWriter([str(tmp_path)]).write(str(target), analysed, analysed.replace(BROKEN, FIXED)) is None
    assert target.read_bytes() == "# -*- coding: latin-1 -*-\n# café\n".encode("latin-1") + FIXED.encode()


def test_named_file_allows_only_its_own_folder(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "target.py").write_text(BROKEN)
    (tmp_path / "a" / "named.py").symlink_to(tmp_path / "b" / "target.py")
    reason = FixWriter([str(tmp_path / "a" / "named.py")]).write(str(tmp_path / "a" / "named.py"), BROKEN, FIXED)
    assert reason == (f"{tmp_path / 'a' / 'named.py'}: resolves to {tmp_path / 'b' / 'target.py'}, "
                      "outside the checked folders; not rewritten")


# ---- the result cache -----------------------------------------------------------------------

def _cache_with_entry(tmp_path: Path):
    from mpguard.cache import ResultCache
    from mpguard.config import Config

    cache = ResultCache(tmp_path / "cache")
    key = cache.key("job.py", BROKEN, Config())
    finding = {"path": "job.py", "code": "MP101", "name": "unguarded-process-start", "severity": "error",
               "message": "`Pool(...)` starts processes at import", "related": [], "fixes": [],
               "range": {"start": {"line": 6, "column": 5}, "end": {"line": 6, "column": 12}}}
    return cache, key, finding


def test_cache_round_trip_is_private(tmp_path: Path):
    cache, key, finding = _cache_with_entry(tmp_path)
    cache.put(key, [finding], [])
    assert cache.get(key) == {"schema": "check-v2", "key": key, "findings": [finding], "warnings": []}
    for folder in (tmp_path / "cache", tmp_path / "cache" / "check-v2", tmp_path / "cache" / "check-v2" / key[:2]):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "cache" / "check-v2" / key[:2] / f"{key}.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("tamper", [
    "not json", "[]", '{"findings": []}', "deep", "wrong key", "escape in message", "escape in warning",
    "bad severity", "negative line", "string line",
])
def test_cache_ignores_planted_or_malformed_entries(tmp_path: Path, tamper: str):
    import json

    cache, key, finding = _cache_with_entry(tmp_path)
    cache.put(key, [finding], [])
    entry = tmp_path / "cache" / "check-v2" / key[:2] / f"{key}.json"
    doc = json.loads(entry.read_text())
    text = {
        "not json": "{", "[]": "[]", '{"findings": []}': '{"findings": []}', "deep": "[" * 100_000,
    }.get(tamper)
    if text is None:
        if tamper == "wrong key":
            doc["key"] = "0" * 64
        elif tamper == "escape in message":
            doc["findings"][0]["message"] = "ok\x1b]0;pwned\x07"
        elif tamper == "escape in warning":
            doc["warnings"] = ["\x1b[2J"]
        elif tamper == "bad severity":
            doc["findings"][0]["severity"] = "fatal"
        elif tamper == "negative line":
            doc["findings"][0]["range"]["start"]["line"] = -1
        elif tamper == "string line":
            doc["findings"][0]["range"]["start"]["line"] = "6"
        text = json.dumps(doc)
    entry.write_text(text)
    assert cache.get(key) is None
    assert (cache.hits, cache.misses) == (0, 1)


def test_cache_entry_copied_under_another_key_is_refused(tmp_path: Path):
    """A planted "no findings" entry for a file with a real finding must not hide it."""
    cache, key, finding = _cache_with_entry(tmp_path)
    other = cache.key("clean.py", "print(1)\n", None)
    cache.put(other, [], [])
    planted = tmp_path / "cache" / "check-v2" / key[:2] / f"{key}.json"
    planted.parent.mkdir(mode=0o700, exist_ok=True)
    shutil.copy(tmp_path / "cache" / "check-v2" / other[:2] / f"{other}.json", planted)
    assert cache.get(key) is None


def test_cache_does_not_follow_links(tmp_path: Path):
    cache, key, finding = _cache_with_entry(tmp_path)
    cache.put(key, [finding], [])
    entry = tmp_path / "cache" / "check-v2" / key[:2] / f"{key}.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(entry, elsewhere / entry.name)
    entry.symlink_to(elsewhere / entry.name)
    assert cache.get(key) is None
    # A shard folder replaced by a link: writes must not land in the link's target.
    shard = entry.parent
    shutil.rmtree(shard)
    shard.symlink_to(elsewhere)
    fresh, _, _ = _cache_with_entry(tmp_path)
    fresh.put(key, [finding], [])
    assert sorted(p.name for p in elsewhere.iterdir()) == [entry.name]  # only the moved one
    assert fresh.get(key) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_cache_dir_owned_by_another_user_is_not_used(tmp_path: Path):
    from mpguard.cache import ResultCache

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o700)
    os.chown(shared, 12345, 12345)
    cache = ResultCache(shared)
    assert cache.get("a" * 64) is None
    cache.put("a" * 64, [], [])
    assert cache.warning == f"mpguard: cache folder {shared} belongs to another user; cache not used"
    assert list(shared.iterdir()) == []


def test_world_writable_cache_dir_without_sticky_bit_is_not_used(tmp_path: Path):
    from mpguard.cache import ResultCache

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    cache = ResultCache(shared)
    cache.put("a" * 64, [], [])
    assert cache.warning == f"mpguard: cache folder {shared} is writable by everyone; cache not used"
    assert list(shared.iterdir()) == []


def test_own_cache_dir_left_group_readable_is_made_private(tmp_path: Path):
    from mpguard.cache import ResultCache

    mine = tmp_path / "mine"
    mine.mkdir()
    mine.chmod(0o775)
    cache = ResultCache(mine)
    cache.put("a" * 64, [], [])
    assert cache.warning is None
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700


@pytest.mark.parametrize("xdg, expected", [
    ("relative/cache", "HOME/.cache/mpguard"), ("", "HOME/.cache/mpguard"), ("/abs/xdg", "/abs/xdg/mpguard"),
])
def test_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path: Path, xdg: str, expected: str):
    from mpguard.cache import cache_dir

    monkeypatch.delenv("MPGUARD_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert str(cache_dir()) == expected.replace("HOME", str(tmp_path))


def test_relative_xdg_cache_home_writes_nothing_into_the_project(tmp_path: Path):
    (tmp_path / "job.py").write_text(BROKEN)
    env = {k: v for k, v in os.environ.items() if k != "MPGUARD_CACHE_DIR"}
    env.update(XDG_CACHE_HOME="cachedir", HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "mpguard", "check", "."], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "job.py"]
    assert (tmp_path / "home" / ".cache" / "mpguard" / "check-v2").is_dir()


def test_planted_cache_entry_cannot_hide_a_finding_or_print_escapes(tmp_path: Path):
    """End to end: a shared cache folder with a planted entry for the exact key."""
    import json

    from mpguard.cache import ResultCache
    from mpguard.cli import _config

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "job.py").write_text(BROKEN)
    cache_root = tmp_path / "cache"
    key = ResultCache(cache_root).key("job.py", BROKEN, _config(repo / "job.py", {}))
    shard = cache_root / "check-v2" / key[:2]
    shard.mkdir(parents=True)
    for d in (cache_root, cache_root / "check-v2", shard):
        d.chmod(0o777)
    (shard / f"{key}.json").write_text(json.dumps({"schema": "check-v2", "key": key, "findings": [], "warnings": []}))
    env = dict(os.environ, MPGUARD_CACHE_DIR=str(cache_root))
    proc = subprocess.run([sys.executable, "-m", "mpguard", "check", "job.py"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "MP101" in proc.stdout
    assert proc.stderr == f"mpguard: cache folder {cache_root} is writable by everyone; cache not used\n"


# ---- terminal output ------------------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("plain/path.py", "plain/path.py"),
    ("new\nline.py", "new\\nline.py"),
    ("title\x1b]0;pwned\x07.py", "title\\x1b]0;pwned\\x07.py"),
    ("csi\x9b2J", "csi\\x9b2J"),
    ("back\rspace\x7f", "back\\rspace\\x7f"),
    ("trojan\u202esource", "trojan\\u202esource"),
    ("café ✓ C:\\Users\\x.py", "café ✓ C:\\Users\\x.py"),
])
def test_escape_for_terminal(raw: str, shown: str):
    from mpguard.terminal import escape_for_terminal

    assert escape_for_terminal(raw) == shown


def test_text_output_escapes_control_characters_in_paths(tmp_path: Path):
    name = "evil\x1b[31m\nfake.py"
    (tmp_path / name).write_text(BROKEN)
    proc = subprocess.run([sys.executable, "-m", "mpguard", "check", "--no-cache", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith("evil\\x1b[31m\\nfake.py:6:6: MP101")
    assert "\x1b" not in proc.stdout


# ---- the language server and the type-aware lane ----------------------------------------------

class StdioClient:
    """Just enough of an LSP client to start the server as an editor would and watch it."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
        import json
        import queue
        import threading

        self._json = json
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._id = 0

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                ch = out.read(1)
                if not ch:
                    return
                header += ch
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            self.messages.put(self._json.loads(out.read(length)))

    def send(self, method: str, params: dict, request: bool = False) -> None:
        msg: dict = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self._id += 1
            msg["id"] = self._id
        body = self._json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def wait_for(self, predicate, timeout: float = 60) -> dict:
        import queue
        import time as _time

        for msg in self.seen:  # it may have come while waiting for something else
            if predicate(msg):
                return msg
        deadline = _time.monotonic() + timeout
        while _time.monotonic() < deadline:
            try:
                msg = self.messages.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(msg)
            if msg.get("method") == "workspace/configuration":
                self._reply(msg["id"], [None for _ in msg["params"]["items"]])
            elif "id" in msg and "method" in msg:
                self._reply(msg["id"], None)
            if predicate(msg):
                return msg
        raise AssertionError(f"timed out; saw {[m.get('method') for m in self.seen]}")

    def _reply(self, msg_id, result) -> None:
        body = self._json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": result}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def close(self) -> str:
        try:
            self.send("shutdown", {}, request=True)
            self.send("exit", {})
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a test failure must still stop the server
            self.proc.kill()
        return self.proc.stderr.read().decode(errors="replace")


def serve_hostile_repo(repo: Path, init: dict, extra_env: dict | None = None) -> tuple[list[str], str]:
    """Start `mpguard server` from the repository (as Neovim/Helix do), open a file, wait for the
    type-aware lane's verdict on the interpreter; (log messages, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH", "VIRTUAL_ENV")}
    env.update(extra_env or {})
    client = StdioClient([str(MPGUARD_SCRIPT), "server"], repo, env)
    try:
        client.send("initialize", {"processId": None, "rootUri": repo.as_uri(), "capabilities": {},
                                   "workspaceFolders": [{"uri": repo.as_uri(), "name": "repo"}],
                                   "initializationOptions": init}, request=True)
        client.wait_for(lambda m: m.get("id") == 1)
        client.send("initialized", {})
        uri = (repo / "job_00.py").as_uri()
        client.send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": (repo / "job_00.py").read_text()}})
        client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == uri and m["params"]["diagnostics"])
        client.wait_for(lambda m: m.get("method") == "window/logMessage"
                        and "for type inference" in m["params"]["message"])
    finally:
        stderr = client.close()
    logs = [m["params"]["message"] for m in client.seen if m.get("method") == "window/logMessage"]
    return logs, stderr


@pytest.mark.skipif(not MPGUARD_SCRIPT.exists(), reason="the console script is installed with the package")
def test_server_never_runs_a_workspace_interpreter_in_an_untrusted_workspace(hostile_repo):
    repo, canaries = hostile_repo
    interpreter = repo / ".venv" / "bin" / "python"
    logs, stderr = serve_hostile_repo(repo, {"typeAware": True, "typeAwareDelayMs": 0,
                                             "interpreter": str(interpreter)})
    assert any(f"not running {interpreter} for type inference: {interpreter} is inside the workspace {repo}, "
               "which is not trusted" in line for line in logs), logs
    assert list(canaries.iterdir()) == [], stderr


@pytest.mark.skipif(not MPGUARD_SCRIPT.exists(), reason="the console script is installed with the package")
def test_server_ignores_a_virtual_env_variable_pointing_into_the_workspace(hostile_repo):
    """jedi's default environment runs $VIRTUAL_ENV/bin/python without its safety check."""
    repo, canaries = hostile_repo
    logs, stderr = serve_hostile_repo(repo, {"typeAware": True, "typeAwareDelayMs": 0},
                                      {"VIRTUAL_ENV": str(repo / ".venv")})
    assert any(f"not running $VIRTUAL_ENV={repo / '.venv'} for type inference" in line for line in logs), logs
    assert list(canaries.iterdir()) == [], stderr


def test_interpreter_choice(tmp_path: Path, monkeypatch):
    from mpguard import trust

    ws = tmp_path / "ws"
    (ws / ".venv" / "bin").mkdir(parents=True)
    inside = ws / ".venv" / "bin" / "python"
    inside.symlink_to(os.path.realpath(sys.executable))
    outside_link = tmp_path / "python-into-ws"
    outside_link.symlink_to(inside)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("CONDA_PREFIX", raising=False)
    trust.configure(None, [str(ws)])
    try:
        assert trust.choose_interpreter(str(inside)) == sys.executable
        assert trust.choose_interpreter(str(outside_link)) == sys.executable  # a link into the workspace
        assert trust.choose_interpreter(".venv/bin/python") == sys.executable  # relative: where from?
        assert trust.choose_interpreter("/usr/bin/python3") == "/usr/bin/python3"  # the user's own
        assert trust.choose_interpreter(None) is None
        monkeypatch.setenv("VIRTUAL_ENV", str(ws / ".venv"))
        assert trust.choose_interpreter(None) == sys.executable
        assert trust.refusal(str(inside)) == f"{inside} is inside the workspace {ws}, which is not trusted"
        trust.configure(False, [])
        assert trust.choose_interpreter(str(inside), root=str(ws)) == sys.executable  # the document's folder
        trust.configure(True, [str(ws)])
        assert trust.choose_interpreter(str(inside)) == str(inside)
        assert trust.choose_interpreter(None) is None
    finally:
        trust.configure(None, [])


def test_trust_flag_is_read_from_initialization_options_only():
    from types import SimpleNamespace

    from mpguard import trust

    try:
        params = SimpleNamespace(initialization_options={"workspaceTrusted": True, "globalSettings": {}},
                                 workspace_folders=None, root_uri=None, root_path=None)
        assert trust.configure_from_initialize(params) == {"globalSettings": {}}
        assert trust.workspace_trusted()
        flat = SimpleNamespace(initialization_options={"mpguard": {"workspaceTrusted": "yes", "run": "onSave"}},
                               workspace_folders=None, root_uri=None, root_path=None)
        assert trust.configure_from_initialize(flat) == {"mpguard": {"run": "onSave"}}
        assert not trust.workspace_trusted()
    finally:
        trust.configure(None, [])


def test_jedi_never_loads_a_project_file_from_the_tree(tmp_path: Path):
    import json

    from mpguard.trust import jedi_project

    (tmp_path / ".jedi").mkdir()
    (tmp_path / ".jedi" / "project.json").write_text(json.dumps(
        [1, {"path": str(tmp_path), "environment_path": str(tmp_path / "evil"), "load_unsafe_extensions": True}]))
    project = jedi_project(None, str(tmp_path / "job.py"))
    assert str(project.path) == str(tmp_path)
    assert project.load_unsafe_extensions is False
    assert project._environment_path is None
