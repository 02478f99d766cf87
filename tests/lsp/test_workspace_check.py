"""Whole-workspace diagnostics (lsp/workspace_check.py): the `mpguard.checkWorkspace` command with
`$/progress`, cancellation, closed files in push and pull mode, `workspace/diagnostic` result ids
and partial results. pytest-lsp, one real server per test; the result cache is a private folder."""

from __future__ import annotations

import asyncio
import os
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import BROKEN, CLEAN, LAMBDA, SERVER_CMD, _plain, codes, diagnostics_for, open_doc, wait_for

ENV = dict(os.environ, MPGUARD_CACHE_DIR=tempfile.mkdtemp(prefix="mpguard-test-cache-"))

PROGRESS_CAPS = lsp.ClientCapabilities(window=lsp.WindowClientCapabilities(work_done_progress=True))
PULL_CAPS = lsp.ClientCapabilities(
    window=lsp.WindowClientCapabilities(work_done_progress=True),
    text_document=lsp.TextDocumentClientCapabilities(diagnostic=lsp.DiagnosticClientCapabilities()),
    workspace=lsp.WorkspaceClientCapabilities(diagnostics=lsp.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True)),
)
NO_API = "import os\nprint(os.getcwd())\n"


def make_tree(root) -> None:
    """4 files mpguard checks (2 with findings), one it must skip (.venv), one notebook."""
    (root / "broken.py").write_text(BROKEN)
    (root / "clean.py").write_text(CLEAN)
    (root / "plain.py").write_text(NO_API)
    (root / "pkg").mkdir()
    (root / "pkg" / "lam.py").write_text(LAMBDA)
    (root / ".venv").mkdir()
    (root / ".venv" / "vendored.py").write_text(BROKEN)


async def start(lsp_client: LanguageClient, tmp_path, caps) -> None:
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=caps, root_uri=tmp_path.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")]))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD, server_env=ENV))
async def client(lsp_client: LanguageClient, request, tmp_path):
    """Push client with work-done progress; parametrise indirectly with PULL_CAPS for pull."""
    make_tree(tmp_path)
    await start(lsp_client, tmp_path, getattr(request, "param", None) or PROGRESS_CAPS)
    yield
    await lsp_client.shutdown_session()


PULL = pytest.mark.parametrize("client", [PULL_CAPS], indirect=True, ids=["pull"])


async def check_workspace(client) -> dict:
    return _plain(await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="mpguard.checkWorkspace", arguments=[])))


def kinds(reports) -> list[str]:
    return [r.kind for r in reports]


@pytest.mark.asyncio
async def test_check_workspace_reports_progress_in_order_and_fills_closed_files(client: LanguageClient, tmp_path):
    summary = await check_workspace(client)
    assert summary == {"files": 4, "checked": 4, "findings": 2, "analysed": 3, "cancelled": False}
    (token, reports), = client.progress_reports.items()
    assert kinds(reports)[0] == "begin" and kinds(reports)[-1] == "end"
    assert set(kinds(reports)[1:-1]) == {"report"}
    begin, end = reports[0], reports[-1]
    assert (begin.title, begin.cancellable, begin.percentage) == ("mpguard: Check Workspace", True, 0)
    assert reports[1].message == "0/4 files" and reports[-2].message == "4/4 files"
    assert [r.percentage for r in reports[1:-1]] == sorted(r.percentage for r in reports[1:-1])
    assert reports[-2].percentage == 100
    assert end.message == "2 findings in 2 of 4 files"
    assert codes(client.diagnostics[(tmp_path / "broken.py").as_uri()]) == ["MP101"]
    assert codes(client.diagnostics[(tmp_path / "pkg" / "lam.py").as_uri()]) == ["MP201"]
    assert (tmp_path / ".venv" / "vendored.py").as_uri() not in client.diagnostics
    # clean files are not published at all (nothing to show, nothing to clear)
    assert (tmp_path / "clean.py").as_uri() not in client.diagnostics


@pytest.mark.asyncio
async def test_second_check_uses_the_result_cache_and_clears_fixed_files(client: LanguageClient, tmp_path):
    assert (await check_workspace(client))["analysed"] == 3
    (tmp_path / "broken.py").write_text(CLEAN)  # fixed on disk, outside the editor
    summary = await check_workspace(client)
    assert summary == {"files": 4, "checked": 4, "findings": 1, "analysed": 1, "cancelled": False}
    assert list(client.diagnostics[(tmp_path / "broken.py").as_uri()]) == []
    (tmp_path / "pkg" / "lam.py").unlink()
    await check_workspace(client)
    assert list(client.diagnostics[(tmp_path / "pkg" / "lam.py").as_uri()]) == []


@pytest.mark.asyncio
async def test_open_document_keeps_its_live_diagnostics(client: LanguageClient, tmp_path):
    uri = (tmp_path / "broken.py").as_uri()
    open_doc(client, uri, CLEAN)  # the buffer is fixed, the file on disk is not
    assert list(await diagnostics_for(client, uri)) == []
    client.diagnostics[uri] = ["no publish since"]  # any publish for `uri` replaces this
    summary = await check_workspace(client)
    assert summary["findings"] == 2  # the file on disk was checked...
    assert client.diagnostics[uri] == ["no publish since"]  # ...the open buffer's diagnostics stay


@pytest.mark.asyncio
async def test_cancel_stops_the_check(client: LanguageClient, tmp_path):
    many = tmp_path / "many"
    many.mkdir()
    for i in range(60):
        (many / f"m{i:02}.py").write_text(BROKEN.replace("work", f"work{i}"))
    command = asyncio.ensure_future(check_workspace(client))
    token = await wait_for(lambda: next(iter(client.progress_reports), None))
    await wait_for(lambda: any(r.kind == "report" and r.message != "0/64 files"
                               for r in client.progress_reports[token]))
    client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    summary = await asyncio.wait_for(command, 30)
    assert summary["cancelled"] is True and summary["files"] == 64
    assert 0 < summary["checked"] < 64
    assert client.progress_reports[token][-1].message == f"Cancelled after {summary['checked']} of 64 files"
    published = sum(1 for uri in client.diagnostics if "/many/" in uri)
    assert published < 60


@PULL
@pytest.mark.asyncio
async def test_pull_mode_workspace_diagnostic_result_ids(client: LanguageClient, tmp_path):
    params = lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
    before = await client.workspace_diagnostic_async(params)
    assert list(before.items) == []  # nothing is analysed until a check is asked for
    summary = await check_workspace(client)
    assert summary["findings"] == 2
    await wait_for(lambda: client.diagnostic_refresh_count >= 1)
    assert client.diagnostics == {}  # pull mode: nothing pushed
    first = await client.workspace_diagnostic_async(params)
    by_uri = {item.uri: item for item in first.items}
    assert sorted(os.path.basename(u) for u in by_uri) == ["broken.py", "clean.py", "lam.py", "plain.py"]
    assert codes(by_uri[(tmp_path / "broken.py").as_uri()].items) == ["MP101"]
    assert all(item.kind == "full" and item.version is None for item in first.items)
    previous = [lsp.PreviousResultId(uri=i.uri, value=i.result_id) for i in first.items]
    (tmp_path / "clean.py").write_text(BROKEN)
    second = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=previous))
    by_uri = {item.uri: item for item in second.items}
    changed = by_uri.pop((tmp_path / "clean.py").as_uri())
    assert changed.kind == "full" and codes(changed.items) == ["MP101"]
    assert {item.kind for item in by_uri.values()} == {"unchanged"}
    assert len(by_uri) == 3


@PULL
@pytest.mark.asyncio
async def test_pull_mode_partial_results_and_open_documents(client: LanguageClient, tmp_path):
    partial: list = []
    default_progress = client.protocol.fm.features[lsp.PROGRESS]

    def on_progress(params: lsp.ProgressParams):  # pytest-lsp's own handler knows work-done values only
        if params.token == "partial-1":
            partial.append(params.value)
        else:
            default_progress(params)

    client.protocol.fm.features[lsp.PROGRESS] = on_progress

    await check_workspace(client)
    open_doc(client, (tmp_path / "lam.py").as_uri(), CLEAN)  # not on disk: an open buffer only
    uri_open = (tmp_path / "broken.py").as_uri()
    open_doc(client, uri_open, CLEAN)
    result = await client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=[], partial_result_token="partial-1"))
    assert list(result.items) == []
    await wait_for(lambda: partial)
    uris = sorted(item["uri"] for value in partial for item in value["items"])
    # the open document is left to textDocument/diagnostic (its buffer, not the disk)
    assert uris == sorted((tmp_path / name).as_uri() for name in ("clean.py", "pkg/lam.py", "plain.py"))


@PULL
@pytest.mark.asyncio
async def test_pull_mode_clears_a_document_once_closed(client: LanguageClient, tmp_path):
    """VS Code keeps a closed document's last pulled diagnostics when the server offers workspace
    diagnostics: the next workspace pull clears them (the command has not run: nothing else)."""
    uri = (tmp_path / "broken.py").as_uri()
    open_doc(client, uri, BROKEN)
    pulled = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert codes(pulled.items) == ["MP101"]
    previous = [lsp.PreviousResultId(uri=uri, value=pulled.result_id)]
    open_report = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert list(open_report.items) == []  # open: left to textDocument/diagnostic
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    closed = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=previous))
    (item,) = closed.items
    assert (item.uri, item.kind, list(item.items), item.result_id) == (uri, "full", [], "closed")
    again = [lsp.PreviousResultId(uri=uri, value="closed")]
    assert list((await client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=again))).items) == []
