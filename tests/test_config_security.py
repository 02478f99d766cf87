"""pyproject.toml is untrusted input: wrong types, deep nesting and huge glob lists give a warning
naming the key, findings are still reported, and `check` takes the time of a normal run. Paths
are matched the same way with Windows paths (simulated with PureWindowsPath) and on
case-insensitive file systems."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from mpguard import globs
from mpguard.config import (Config, PathLayer, _case_insensitive_fs, find_pyproject_in, invalidate_cache,
                            load_pyproject, relative_path)

BROKEN = "from multiprocessing import Pool\n\ndef work(x):\n    return x\n\nwith Pool(2) as pool:\n    pool.map(work, [1])\n"


def run_check(project: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mpguard", "check", "--no-cache", "."], cwd=project,
                          capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - started


def project_with(tmp_path: Path, pyproject: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "job.py").write_text(BROKEN)
    return tmp_path


def warnings_of(tmp_path: Path, pyproject: str) -> tuple[str, ...]:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    invalidate_cache()
    return load_pyproject(tmp_path / "pyproject.toml").warnings


# ---- wrong types ------------------------------------------------------------------------------

@pytest.mark.parametrize("toml, warning", [
    ("tool = 5\n", "mpguard: `tool` in {p} must be a table, got 5; ignored"),
    ('tool = "x"\n', "mpguard: `tool` in {p} must be a table, got 'x'; ignored"),
    ("tool = [1, 2]\n", "mpguard: `tool` in {p} must be a table, got a list; ignored"),
    ('[tool]\nmpguard = "x"\n', "mpguard: [tool.mpguard] in {p} is not a table; ignored"),
    ("[tool.mpguard]\nselect = 5\n", "mpguard: `select` must be a list of rule codes, got 5; ignored"),
    ("[tool.mpguard]\nselect = [[1, [2]]]\n", "mpguard: unknown rule code a list in `select`; ignored"),
    ("[tool.mpguard]\nignore = {a = 1}\n", "mpguard: `ignore` must be a list of rule codes, got a table; ignored"),
    ("[tool.mpguard]\nexclude = [1, \"gen\"]\n", "mpguard: `exclude` must hold glob strings, got 1; ignored"),
    ("[tool.mpguard]\nexclude = 5\n", "mpguard: `exclude` must be a list of glob patterns; ignored"),
    ("[tool.mpguard]\nseverity = {MP101 = 5}\n",
     "mpguard: unknown severity 5 for `severity.MP101` (use error, warning, info or hint); ignored"),
    ("[tool.mpguard]\nseverity = [1]\n", "mpguard: `severity` must be a table of CODE = level in {p}; ignored"),
    ("[tool.mpguard]\nstart-method = [\"spawn\"]\n",
     "mpguard: `start-method` must be one of spawn, fork, forkserver, got a list; using the default of each platform"),
    ("[tool.mpguard]\nper-file-ignores = {\"x.py\" = 5}\n",
     "mpguard: `per-file-ignores.x.py` must be a list of rule codes, got 5; ignored"),
    ("[tool.mpguard]\nper-file-ignores = 5\n",
     "mpguard: `per-file-ignores` must be a table of glob = [codes]; ignored"),
])
def test_wrong_types_give_a_warning_naming_the_key(tmp_path: Path, toml: str, warning: str):
    assert warnings_of(tmp_path, toml) == (warning.format(p=tmp_path / "pyproject.toml"),)


@pytest.mark.parametrize("toml", ["tool = 5\n", '[tool]\nmpguard = "x"\n', "[tool.mpguard]\nselect = 5\n",
                                  "[tool.mpguard]\nseverity = {MP101 = [1]}\n"])
def test_wrong_types_still_report_findings(tmp_path: Path, toml: str):
    proc, _ = run_check(project_with(tmp_path, toml))
    assert proc.returncode == 1, proc.stderr
    assert "job.py:6:6: MP101" in proc.stdout
    assert proc.stderr.startswith("mpguard: ") and "Traceback" not in proc.stderr


def test_warnings_from_the_file_carry_no_control_characters(tmp_path: Path):
    toml = '[tool.mpguard]\n"evil\\u001b]0;pwned\\u0007" = 1\n'
    assert warnings_of(tmp_path, toml) == (
        f"mpguard: unknown key `evil\\x1b]0;pwned\\x07` in {tmp_path / 'pyproject.toml'}; ignored",)


# ---- deep nesting -----------------------------------------------------------------------------

def test_array_nested_3000_deep_names_the_key(tmp_path: Path):
    toml = '[project]\nname = "x"\n\n[tool.mpguard]\nselect = ' + "[" * 3000 + "]" * 3000 + "\n"
    assert warnings_of(tmp_path, toml) == (
        f"mpguard: `tool.mpguard.select` in {tmp_path / 'pyproject.toml'} is nested more than 100 levels deep; "
        "using defaults",)


def test_inline_tables_nested_deep_elsewhere_name_their_key(tmp_path: Path):
    toml = '[tool.other]\n# [[[[ in a comment\nx = "[[[[ in a string"\ndeep = ' + "{a = " * 500 + "1" + "}" * 500 + "\n"
    assert warnings_of(tmp_path, toml) == (
        f"mpguard: `tool.other.deep` in {tmp_path / 'pyproject.toml'} is nested more than 100 levels deep; "
        "using defaults",)


def test_many_shallow_arrays_are_fine(tmp_path: Path):
    toml = "[tool.mpguard]\nexclude = [" + ", ".join(f'"g{i}"' for i in range(500)) + "]\nx = [" + "[1]," * 500 + "]\n"
    assert warnings_of(tmp_path, toml) == (f"mpguard: unknown key `x` in {tmp_path / 'pyproject.toml'}; ignored",)


def test_deep_toml_check_still_reports_findings(tmp_path: Path):
    proc, _ = run_check(project_with(tmp_path, "[tool.mpguard]\nselect = " + "[" * 3000 + "]" * 3000 + "\n"))
    assert proc.returncode == 1
    assert "job.py:6:6: MP101" in proc.stdout
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr


# ---- glob denial of service ------------------------------------------------------------------

def test_50000_exclude_globs_are_capped_with_a_warning(tmp_path: Path):
    toml = "[tool.mpguard]\nexclude = [" + ", ".join(f'"dir{i}/**"' for i in range(50_000)) + "]\n"
    assert warnings_of(tmp_path, toml) == (
        "mpguard: `exclude` has 50000 patterns; only the first 1000 are used",)


def test_50000_per_file_ignores_are_capped_with_a_warning(tmp_path: Path):
    toml = "[tool.mpguard.per-file-ignores]\n" + "".join(f'"dir{i}/*.py" = ["MP101"]\n' for i in range(50_000))
    assert warnings_of(tmp_path, toml) == (
        "mpguard: `per-file-ignores` has 50000 patterns; only the first 1000 are used",)


def test_one_megabyte_glob_is_ignored_with_a_warning(tmp_path: Path):
    toml = '[tool.mpguard]\nexclude = ["' + "[" * 1_000_000 + '", "gen"]\n'
    invalidate_cache()
    assert warnings_of(tmp_path, toml) == (
        "mpguard: 1 `exclude` pattern(s) longer than 1000 characters; ignored",)
    cfg = load_pyproject(tmp_path / "pyproject.toml")
    assert cfg.exclude == ("gen",)


@pytest.mark.parametrize("toml", [
    "[tool.mpguard]\nexclude = [" + ", ".join(f'"dir{i}/**"' for i in range(50_000)) + "]\n",
    "[tool.mpguard.per-file-ignores]\n" + "".join(f'"d{i}/[!a]*.py" = ["MP101"]\n' for i in range(50_000)),
    '[tool.mpguard]\nexclude = ["' + "[" * 1_000_000 + '"]\n',
    '[tool.mpguard]\nexclude = ["' + "*a" * 499 + 'b"]\n',  # backtracking bait
], ids=["50k-exclude", "50k-per-file-ignores", "1MB-bracket-glob", "star-chain"])
def test_hostile_globs_check_in_normal_time(tmp_path: Path, toml: str):
    for i in range(30):
        sub = tmp_path / f"pkg{i}" / ("a" * 60)
        sub.mkdir(parents=True)
        (sub / "mod.py").write_text("x = 1\n")
    proc, elapsed = run_check(project_with(tmp_path, toml), timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "job.py:6:6: MP101" in proc.stdout
    assert elapsed < 30, f"check took {elapsed:.1f} s (normal: 2-3 s; before the fix: 69 to > 120 s)"


# ---- matching ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rel, pattern, expected", [
    ("pkg/gen/x.py", "pkg/gen", True),
    ("pkg/gen/x.py", "pkg/gen/", True),
    ("pkg/gen/x.py", "pkg/gen/**", True),
    ("pkg/gen", "pkg/gen/**", True),
    ("pkg/generated/x.py", "pkg/gen/**", False),
    ("a/b/generated/x.py", "generated", True),
    ("a/b/generated_x.py", "generated", False),
    ("a/b/gen_1.py", "gen_*.py", True),
    ("src/gen_1.py", "pkg/gen_*.py", False),
    ("pkg/sub/gen_1.py", "pkg/*.py", True),  # `*` crosses folders, as fnmatch's does
    ("x.py", "[!a].py", True),
    ("a.py", "[!a].py", False),
    ("[[[", "[[[", True),
    ("pkg\\gen\\x.py", "pkg/gen", True),  # a Windows path
    ("pkg/gen/x.py", "pkg\\gen\\**", True),  # a pattern written on Windows
])
def test_glob_semantics(rel: str, pattern: str, expected: bool):
    assert globs.matches(rel, (pattern,)) is expected


def test_globs_compiled_once():
    globs.compile_globs.cache_clear()
    patterns = tuple(f"dir{i}/**" for i in range(1000))
    for _ in range(500):
        globs.matches("dir999/x.py", patterns)
    info = globs.compile_globs.cache_info()
    assert (info.misses, info.hits) == (1, 499)


def test_case_insensitive_matching():
    assert globs.matches("Pkg/GEN/x.py", ("pkg/gen",), ignore_case=True)
    assert not globs.matches("Pkg/GEN/x.py", ("pkg/gen",), ignore_case=False)


# ---- a Windows-flavoured path layer -----------------------------------------------------------

def fake_layer(pure, files: set[str], dirs: set[str], case_insensitive: bool) -> PathLayer:
    fold = (lambda s: s.casefold()) if case_insensitive else (lambda s: s)
    norm = (lambda s: fold(str(pure(s))))
    file_set, dir_set = {norm(f) for f in files}, {norm(d) for d in dirs}
    return PathLayer(pure, lambda p: norm(p) in file_set, lambda p: norm(p) in dir_set,
                     lambda _root: case_insensitive)


WINDOWS = fake_layer(
    PureWindowsPath,
    files={r"C:\Users\Me\proj\pyproject.toml", r"C:\Users\Me\proj\pkg\x.py", r"C:\pyproject.toml",
           r"\\server\share\team\pyproject.toml", r"\\server\share\team\src\y.py"},
    dirs={r"C:\Users\Me\proj", r"C:\Users\Me\proj\pkg", r"C:\Users", r"C:\Users\Me", "C:\\"},
    case_insensitive=True,
)


@pytest.mark.parametrize("start, found", [
    (r"C:\Users\Me\proj\pkg\x.py", r"C:\Users\Me\proj\pyproject.toml"),
    (r"c:\users\me\PROJ\pkg\x.py", r"c:\users\me\PROJ\pyproject.toml"),  # case-insensitive names
    (r"C:\Users\Me\proj\pkg", r"C:\Users\Me\proj\pyproject.toml"),
    (r"C:\Users\Me\other\z.py", r"C:\pyproject.toml"),  # walks up to the drive root
    (r"\\server\share\team\src\y.py", r"\\server\share\team\pyproject.toml"),  # UNC
    (r"D:\elsewhere\w.py", None),
])
def test_config_discovery_walks_windows_parents(start: str, found):
    got = find_pyproject_in(WINDOWS, start)
    assert (str(got) if got is not None else None) == found


@pytest.mark.parametrize("path, root, rel", [
    (r"C:\Users\Me\proj\pkg\gen\x.py", r"C:\Users\Me\proj", "pkg/gen/x.py"),
    (r"c:\users\me\proj\pkg\gen\x.py", r"C:\Users\Me\Proj", "pkg/gen/x.py"),
    (r"\\server\share\team\src\y.py", r"\\server\share\team", "src/y.py"),
    (r"D:\other\x.py", r"C:\Users\Me\proj", "D:/other/x.py"),
])
def test_relative_paths_with_windows_flavour(path: str, root: str, rel: str):
    assert relative_path(WINDOWS, path, root) == rel


def test_case_insensitive_posix_file_system_like_macos():
    mac = fake_layer(PurePosixPath, set(), set(), case_insensitive=True)
    linux = fake_layer(PurePosixPath, set(), set(), case_insensitive=False)
    assert relative_path(mac, "/Users/me/Proj/pkg/x.py", "/Users/me/proj") == "pkg/x.py"
    assert relative_path(linux, "/Users/me/Proj/pkg/x.py", "/Users/me/proj") == "/Users/me/Proj/pkg/x.py"


def test_windows_exclude_and_per_file_ignores_match(monkeypatch):
    """Config's own matching with the Windows layer: `\\` paths, other-case drive letters."""
    import mpguard.config as config

    monkeypatch.setattr(config, "NATIVE", WINDOWS)
    monkeypatch.setattr(config, "_realpath", lambda p: p)
    monkeypatch.setattr(config, "_case_insensitive_fs", lambda root: True)
    cfg = Config(root=r"C:\Users\Me\proj", exclude=("pkg/gen",),
                 per_file_ignores=(("tests/*.py", frozenset({"MP101"})),))
    assert cfg.is_excluded(r"c:\users\me\proj\PKG\Gen\x.py")
    assert not cfg.is_excluded(r"C:\Users\Me\proj\pkg\real\x.py")
    assert "MP101" not in cfg.enabled_codes(r"C:\Users\Me\proj\tests\test_x.py")
    assert "MP101" in cfg.enabled_codes(r"C:\Users\Me\proj\src\x.py")


def test_this_linux_tmp_is_case_sensitive(tmp_path: Path):
    assert _case_insensitive_fs(str(tmp_path / "Folder")) is False


def test_exclude_through_a_symlinked_root(tmp_path: Path):
    real = tmp_path / "real"
    (real / "gen").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    cfg = Config(root=str(tmp_path / "link"), exclude=("gen",))
    assert cfg.is_excluded(str(real / "gen" / "x.py"))
    assert cfg.relative(str(tmp_path / "link" / "gen" / "x.py")) == "gen/x.py"


def test_real_discovery_still_finds_the_nearest_pyproject(tmp_path: Path):
    from mpguard.config import find_pyproject

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_pyproject(tmp_path / "a" / "b" / "missing.py") == tmp_path / "pyproject.toml"
    assert find_pyproject(tmp_path / "a") == tmp_path / "pyproject.toml"
    os.mkfifo(tmp_path / "a" / "pyproject.toml")  # not a regular file: skipped, never opened
    assert find_pyproject(tmp_path / "a" / "b") == tmp_path / "pyproject.toml"
