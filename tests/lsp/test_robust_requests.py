"""The server under bad or racing input: closed and unknown documents, malformed command
arguments, full-text syncs, odd line separators (pytest-lsp, one real server per test)."""

from __future__ import annotations

import os

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import BROKEN, SERVER_CMD, _plain, change, codes, diagnostics_for, open_doc, replace_all, uri_for

ENV = dict(os.environ, MPGUARD_LSP_DEBUG_TEXT="1")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD, server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(workspace=lsp.WorkspaceClientCapabilities(apply_edit=True)),
        root_uri=tmp_path.as_uri(),
    ))
    yield
    await lsp_client.shutdown_session()


async def server_text(client, uri: str):
    got = _plain(await client.protocol.send_request_async("mpguard/debugText", {"uri": uri, "full": True}))
    return None if got is None else got["text"]


def _errors_shown(client) -> list[str]:
    return [m.message for m in client.messages if m.type == lsp.MessageType.Error]


async def test_edit_of_a_closed_document_is_ignored_with_a_log_line(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    change(client, uri, 2, "x", (0, 0), (0, 0))
    assert await server_text(client, uri) is None
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=0, character=0)))
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
        context=lsp.CodeActionContext(diagnostics=[])))
    assert (hover, list(actions)) == (None, [])
    assert _errors_shown(client) == []
    assert any(m.message.endswith(f"didChange for {uri}, which is not open: ignored") for m in client.log_messages)


@pytest.mark.parametrize("command, arguments, message", [
    ("mpguard.fixAll", [], "mpguard.fixAll: argument 'uri' is missing"),
    ("mpguard.fixAll", [{"uri": 5}], "mpguard.fixAll: argument 'uri' must be a string, not int"),
    ("mpguard.fixAll", ["a", "b"], "mpguard.fixAll takes at most 1 arguments (uri), got 2"),
    ("mpguard.applyFix", [{"uri": "file:///a.py", "code": "MP101", "line": "x"}],
     "mpguard.applyFix: argument 'line' must be an integer, not str"),
    ("mpguard.showRuleDocs", [None], "mpguard.showRuleDocs: argument 'code' is missing"),
])
async def test_malformed_command_arguments_are_invalid_params(client: LanguageClient, command, arguments, message):
    with pytest.raises(JsonRpcInvalidParams) as caught:
        await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command=command, arguments=arguments))
    assert caught.value.code == -32602
    assert caught.value.message == message
    assert _errors_shown(client) == []


async def test_commands_for_an_unknown_document_answer_plainly(client: LanguageClient, tmp_path):
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="mpguard.fixAll", arguments=[uri_for(tmp_path, "never.py")]))
    assert _plain(result) == {"applied": False, "reason": "document is not open"}


async def test_full_text_sync_moves_the_kept_findings_with_the_text(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    (before,) = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert (before.code, before.range.start.line) == ("MP101", 3)
    # The editor sends the whole text: two lines above, one of them does not parse. The last good
    # finding stays, two lines further down, next to the syntax error.
    replace_all(client, uri, 2, "def broken(:\n\n" + BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: "MP000" in codes(ds))
    assert codes(diags) == ["MP000", "MP101"]
    assert [d.range.start.line for d in diags if d.code == "MP101"] == [5]


async def test_carriage_return_and_form_feed_lines_stay_in_step_with_the_client(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    text = "# a\x0cb\u2028c\r" + BROKEN.replace("\n", "\r")  # 1 + 5 lines for LSP; more for splitlines
    open_doc(client, uri, text)
    (diag,) = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert (diag.code, diag.range.start.line, diag.range.start.character) == ("MP101", 4, 5)
    change(client, uri, 2, "X", (1, 0), (1, 0))  # line 1 is `from multiprocessing ...`
    assert await server_text(client, uri) == "# a\x0cb\u2028c\rXfrom" + text[len("# a\x0cb\u2028c\rfrom"):]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD, server_env=ENV))
async def on_save_client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=tmp_path.as_uri(), initialization_options={"run": "onSave"}))
    yield
    await lsp_client.shutdown_session()


async def test_findings_move_through_a_reversed_range_as_applied(on_save_client: LanguageClient, tmp_path):
    client = on_save_client
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    (diag,) = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert (diag.range.start.line, diag.range.start.character) == (3, 5)
    # A reversed range (end before start) over the first line: two lines come in for one. With
    # "onSave" nothing is re-analysed: the finding is only moved, to line 4.
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=1, character=0), end=lsp.Position(line=0, character=0)),
            text="from multiprocessing import Pool\n# a comment\n")]))
    assert (await server_text(client, uri)).startswith("from multiprocessing import Pool\n# a comment\ndef work")
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=4, character=6)))
    assert hover is not None and hover.range == lsp.Range(
        start=lsp.Position(line=4, character=5), end=lsp.Position(line=4, character=12))
