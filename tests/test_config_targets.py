"""`target-version`, `platforms` and `process-apis`: defaults, validation, and the start method
each targeted platform uses (Linux < 3.14 fork, Linux >= 3.14 forkserver, macOS/Windows spawn)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mpguard.config import Config, ProcessApi, invalidate_cache, load_pyproject, requires_python_floor
from mpguard.engine import analyze

UNGUARDED = "import multiprocessing as mp\npool = mp.Pool()\n"


def _config(tmp_path: Path, text: str) -> Config:
    invalidate_cache()
    (tmp_path / "pyproject.toml").write_text(text)
    return load_pyproject(tmp_path / "pyproject.toml")


def test_defaults_target_every_platform_and_the_running_python():
    config = Config()
    assert config.platforms == ("linux", "macos", "windows")
    assert config.target_version == (sys.version_info[0], min(max(sys.version_info[1], 10), 15))
    assert config.start_method is None


@pytest.mark.parametrize("version, linux", [((3, 10), "fork"), ((3, 13), "fork"), ((3, 14), "forkserver"),
                                            ((3, 15), "forkserver")])
def test_each_platform_has_the_default_start_method_of_the_target_version(version, linux):
    config = Config(target_version=version)
    assert config.start_methods_by_platform() == {"linux": linux, "macos": "spawn", "windows": "spawn"}


def test_spawn_platforms_name_where_spawn_only_pitfalls_fail():
    assert Config(target_version=(3, 12)).spawn_platforms() == ("macos", "windows")
    assert Config(target_version=(3, 14)).spawn_platforms() == ("linux", "macos", "windows")
    assert Config(target_version=(3, 12), platforms=("linux",)).spawn_platforms() == ()
    assert Config(target_version=(3, 12), platforms=("linux",)).fork_platforms() == ("linux",)


def test_an_explicit_start_method_overrides_every_platform():
    config = Config(start_method="fork", target_version=(3, 14))
    assert config.start_methods_by_platform() == {"linux": "fork", "macos": "fork", "windows": "fork"}
    assert config.default_start_method == "fork"


@pytest.mark.parametrize("platforms, version, fires", [
    (("linux",), "py312", False),  # fork: children inherit, no re-import
    (("linux",), "py314", True),  # forkserver re-imports the main module
    (("linux", "windows"), "py312", True),
    (("macos",), "py310", True),
])
def test_spawn_only_rules_fire_when_any_targeted_platform_spawns(platforms, version, fires):
    config = Config().with_overrides(platforms=list(platforms), **{"target-version": version})
    assert [f.code for f in analyze(UNGUARDED, "job.py", config).findings] == (["MP101"] if fires else [])


@pytest.mark.parametrize("spec, floor", [(">=3.10", (3, 10)), (">=3.9,<4", (3, 10)), ("~=3.11", (3, 11)),
                                         ("==3.12.*", (3, 12)), (">3.13", (3, 13)), (">=3.16", (3, 15)),
                                         ("<3.12", None), ("", None), (None, None), ("3.11", None)])
def test_requires_python_lower_bound(spec, floor):
    assert requires_python_floor(spec) == floor


def test_target_version_defaults_to_requires_python_and_the_tool_table_wins(tmp_path):
    assert _config(tmp_path, '[project]\nrequires-python = ">=3.14"\n').target_version == (3, 14)
    both = '[project]\nrequires-python = ">=3.14"\n[tool.mpguard]\ntarget-version = "py311"\n'
    assert _config(tmp_path, both).target_version == (3, 11)


def test_bad_target_version_and_platforms_are_warnings_naming_the_key(tmp_path):
    config = _config(tmp_path, '[tool.mpguard]\ntarget-version = "py39"\nplatforms = ["linux", "bsd"]\n')
    source = tmp_path / "pyproject.toml"
    assert config.warnings == (
        f"mpguard: `target-version` must be one of py310, py311, py312, py313, py314, py315 in {source}, "
        f"got 'py39'; using py{sys.version_info[0]}{min(max(sys.version_info[1], 10), 15)}",
        "mpguard: unknown platform 'bsd' in `platforms` (use linux, macos, windows); ignored",
    )
    assert config.platforms == ("linux",)
    assert config.errors == ()


def test_process_apis_declarations(tmp_path):
    config = _config(tmp_path, '[tool.mpguard.process-apis]\n"mylib.pmap" = { kind = "map", pickler = "pickle" }\n'
                               '"mylib.DillPool" = { kind = "pool", pickler = "dill" }\n')
    assert config.process_apis == (ProcessApi("mylib.pmap", "map", "pickle"), ProcessApi("mylib.DillPool", "pool", "dill"))
    assert config.errors == ()


def test_invalid_process_apis_are_errors_naming_the_key(tmp_path):
    config = _config(tmp_path, '[tool.mpguard.process-apis]\n"mylib.pmap" = { kind = "mapper" }\n'
                               '"mylib.run" = { kind = "submit", pickler = "marshal" }\n'
                               'pmap = { kind = "map" }\n')
    source = tmp_path / "pyproject.toml"
    assert config.errors == (
        f"mpguard: `process-apis.\"mylib.pmap\"` in {source}: unknown kind 'mapper' (use pool, process, map, submit)",
        f"mpguard: `process-apis.\"mylib.run\"` in {source}: unknown pickler 'marshal' (use pickle, dill, cloudpickle)",
        f"mpguard: `process-apis.\"pmap\"` in {source}: the key must be a qualified name like \"mylib.pmap\"",
    )
    assert set(config.errors) <= set(config.warnings)  # the server shows them as warnings
    assert config.process_apis == ()


def _mpguard(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_cli_exits_2_on_an_invalid_process_api(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard.process-apis]\n"mylib.pmap" = { kind = "mapper" }\n')
    (tmp_path / "job.py").write_text(UNGUARDED)
    proc = _mpguard("check", "job.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (f"mpguard: error: `process-apis.\"mylib.pmap\"` in {tmp_path / 'pyproject.toml'}: "
                           "unknown kind 'mapper' (use pool, process, map, submit)\n")


def test_cli_target_version_and_platform_flags(tmp_path):
    (tmp_path / "job.py").write_text(UNGUARDED)
    fork_only = _mpguard("check", "job.py", "--platform", "linux", "--target-version", "py312", cwd=tmp_path)
    assert (fork_only.returncode, fork_only.stdout) == (0, "All checks passed (1 file).\n")
    forkserver = _mpguard("check", "job.py", "--platform", "linux", "--target-version", "py314", cwd=tmp_path)
    assert forkserver.returncode == 1 and "MP101" in forkserver.stdout
    bad = _mpguard("check", "job.py", "--target-version", "py39", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice: 'py39'" in bad.stderr
