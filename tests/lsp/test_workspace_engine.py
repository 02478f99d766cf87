"""The engine behind whole-workspace diagnostics (lsp/workspace_engine.py), in this process: the
spawn pool, the result cache shared with the CLI, cancellation, stamps, JSON findings."""

from __future__ import annotations

import asyncio

import pytest

from mpguard.cli import check_files, discover
from mpguard.lsp import workspace_engine
from mpguard.lsp.workspace_engine import Root, WorkspaceEngine, discover_roots, file_stamp, finding_from_json

from lsp_helpers import BROKEN, CLEAN, LAMBDA


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.setenv("MPGUARD_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "src"
    src.mkdir()
    for i in range(8):
        (src / f"b{i}.py").write_text(BROKEN.replace("work", f"work{i}"))
    (src / "lam.py").write_text(LAMBDA)
    (src / "clean.py").write_text(CLEAN)
    (src / "nb.ipynb").write_text("{}")
    (src / "build").mkdir()
    (src / "pyproject.toml").write_text('[tool.mpguard]\nexclude = ["build"]\n')
    (src / "build" / "gen.py").write_text(BROKEN)
    return src


def run(engine: WorkspaceEngine, files, cancelled=lambda: False, workers=2):
    results = []
    completed = asyncio.run(engine.run(files, results.append, cancelled, workers=workers))
    return completed, {r.path.rsplit("/", 1)[-1]: r for r in results}


def test_discovery_is_the_clis_minus_notebooks(tree):
    found = discover_roots([Root(str(tree))])
    assert sorted(str(p) for p, _ in found.files) == sorted(
        str(p) for p in discover([str(tree)]).files if p.suffix != ".ipynb")
    assert sorted(p.name for p, _ in found.files) == ["b0.py", "b1.py", "b2.py", "b3.py", "b4.py", "b5.py",
                                                       "b6.py", "b7.py", "clean.py", "lam.py"]
    assert discover_roots([Root(str(tree), enabled=False)]).files == []


@pytest.mark.parametrize("in_server_max_chars", [0, 10**9], ids=["spawn-pool", "server-thread"])
def test_findings_equal_the_clis_and_the_cache_is_shared(tree, monkeypatch, in_server_max_chars):
    monkeypatch.setattr(workspace_engine, "IN_SERVER_MAX_CHARS", in_server_max_chars)
    files = discover_roots([Root(str(tree))]).files
    engine = WorkspaceEngine()
    completed, results = run(engine, files)
    assert completed and engine.analysed == 10  # every file mentions Pool: none is prefiltered
    cli = {r.path.rsplit("/", 1)[-1]: r.findings for r in check_files([p for p, _ in files], {}, 1)}
    assert {name: r.findings for name, r in results.items()} == cli
    assert [f["code"] for f in results["b3.py"].findings] == ["MP101"]
    assert results["b3.py"].text == (tree / "b3.py").read_text()  # kept to place the findings
    assert results["clean.py"].text is None
    engine.analysed = 0
    completed, again = run(engine, files)
    assert completed and engine.analysed == 0  # every result from the cache (written by both)
    assert {name: r.findings for name, r in again.items()} == cli


def test_settings_overrides_reach_the_worker(tree):
    files = discover_roots([Root(str(tree), {"ignore": ["MP101"]})]).files
    _, results = run(WorkspaceEngine(), files)
    assert sum(len(r.findings) for r in results.values()) == 1  # lam.py's MP201 only


def test_cancel_drops_the_files_not_started(tree, monkeypatch):
    monkeypatch.setattr(workspace_engine, "IN_SERVER_MAX_CHARS", 0)
    files = discover_roots([Root(str(tree))]).files
    seen = []

    def cancelled() -> bool:
        return len(seen) >= 1

    engine = WorkspaceEngine()
    completed = asyncio.run(engine.run(files, seen.append, cancelled, workers=1))
    assert completed is False
    assert 1 <= len(seen) < 10


def test_stamp_moves_with_the_file_and_the_settings(tree):
    path = tree / "b0.py"
    root = Root(str(tree))
    stamp = file_stamp(path, root)
    assert stamp == file_stamp(path, Root(str(tree)))
    assert stamp != file_stamp(path, Root(str(tree), {"select": ["MP101"]}))
    path.write_text(BROKEN + "\n")
    assert stamp != file_stamp(path, root)
    assert file_stamp(tree / "missing.py", root) is None


def test_finding_from_json_round_trips(tree):
    (report,) = check_files([tree / "lam.py"], {}, 1)
    finding = finding_from_json(report.findings[0])
    assert finding.to_json(str(tree / "lam.py")) == {**report.findings[0], "fixes": []}
