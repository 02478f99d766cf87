"""pytest-lsp tests of the mpguard language server: one real server process per test."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import (
    BROKEN,
    CLEAN,
    LAMBDA,
    SERVER_CMD,
    apply_text_edits,
    change,
    codes,
    debug_stats,
    diagnostics_for,
    edits_of,
    open_doc,
    replace_all,
    uri_for,
    wait_for,
)

RELATED_CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        configuration=True,
        apply_edit=True,
        did_change_configuration=lsp.DidChangeConfigurationClientCapabilities(dynamic_registration=True),
        did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
    ),
    text_document=lsp.TextDocumentClientCapabilities(
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
        hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText]),
    ),
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request, tmp_path):
    """Parametrise indirectly with {"caps": ClientCapabilities, "init": initializationOptions,
    "config": workspace/configuration value for section mpguard}."""
    param = getattr(request, "param", None) or {}
    lsp_client.registrations = []  # type: ignore[attr-defined]
    lsp_client.applied_edits = []  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]
        return None

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams):
        lsp_client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return lsp.ApplyWorkspaceEditResult(applied=True)

    if "config" in param:
        lsp_client.set_configuration(param["config"], section="mpguard")
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=param.get("caps", RELATED_CAPS),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options=param.get("init"),
        )
    )
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def only_mpguard_logs(client) -> str:
    return "\n".join(m.message for m in client.log_messages)


# ------------------------------------------------------------------------------------------------
# start-up and diagnostics


async def test_capabilities(client: LanguageClient):
    caps = client.init_result.capabilities
    assert client.init_result.server_info.name == "mpguard"
    assert caps.text_document_sync.change == lsp.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close
    assert caps.hover_provider
    kinds = caps.code_action_provider.code_action_kinds
    assert "quickfix" in kinds and "source.fixAll.mpguard" in kinds and "refactor.rewrite" in kinds
    assert set(caps.execute_command_provider.commands) >= {"mpguard.applyFix", "mpguard.fixAll", "mpguard.showRuleDocs"}
    assert caps.diagnostic_provider is None  # this client cannot pull: push only


async def test_diagnostic_fields(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    d = next(d for d in diags if d.code == "MP101")
    assert d.source == "mpguard"
    assert d.code_description.href.endswith("MP101.md")
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert d.range.start.line == 3  # `with Pool(2) as p:` (0-based)
    assert d.data["fixes"][0]["title"].startswith("Wrap in")
    assert d.data["fixes"][0]["safety"] == "safe"
    assert d.data["version"] == 1
    assert "edits" not in json.dumps(d.data)  # fix edits are never computed while publishing


async def test_clean_file_publishes_nothing_and_close_clears(client: LanguageClient, tmp_path):
    clean, broken = uri_for(tmp_path, "clean.py"), uri_for(tmp_path, "broken.py")
    open_doc(client, clean, CLEAN)
    open_doc(client, broken, BROKEN)
    await diagnostics_for(client, broken, lambda ds: len(ds) > 0)
    await wait_for(lambda: clean in client.diagnostics)
    assert len(client.diagnostics[clean]) == 0
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=broken)))
    await diagnostics_for(client, broken, lambda ds: len(ds) == 0)


async def test_related_information_and_severity_from_settings(client: LanguageClient, tmp_path):
    # A start reached through a call: MP101 carries a related location ("the process starts here").
    src = (
        "from multiprocessing import Process\n"
        "def work():\n    pass\n"
        "def main():\n    Process(target=work).start()\n"
        "main()\n"
    )
    uri = uri_for(tmp_path)
    open_doc(client, uri, src)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    d = next(d for d in diags if d.code == "MP101")
    assert d.related_information, d
    assert d.related_information[0].location.uri == uri
    assert d.related_information[0].location.range.start.line == 4


@pytest.mark.parametrize(
    "client", [{"init": {"globalSettings": {"severity": {"MP101": "hint"}}}}], indirect=True
)
async def test_severity_setting(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert diags[0].severity == lsp.DiagnosticSeverity.Hint


async def test_utf16_ranges_with_emoji(client: LanguageClient, tmp_path):
    src = "from multiprocessing import Pool\ns = '😀😀'; p = Pool(2)\n"
    uri = uri_for(tmp_path)
    open_doc(client, uri, src)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    d = next(d for d in diags if d.code == "MP101")
    # The finding is `Pool(2)`: code point 14; in utf-16 each emoji counts 2 units.
    line = src.splitlines()[1]
    cp = line.index("Pool(2)")
    assert d.range.start.character == cp + 2
    assert d.range.end.character == len(line) + 2
    # Code actions use the same conversion: the guard edit lands on the right line.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=lsp.CodeActionContext(diagnostics=[d]),
        )
    )
    disable = next(a for a in actions if a.title == "Disable MP101 for this line")
    fixed = apply_text_edits(src, edits_of(disable, uri))
    assert fixed.splitlines()[1] == line + "  # mpguard: ignore[MP101]"


@pytest.mark.parametrize(
    "client",
    [{"caps": lsp.ClientCapabilities(general=lsp.GeneralClientCapabilities(position_encodings=[lsp.PositionEncodingKind.Utf8]))}],
    indirect=True,
)
async def test_utf8_negotiated(client: LanguageClient, tmp_path):
    assert client.init_result.capabilities.position_encoding == lsp.PositionEncodingKind.Utf8
    src = "from multiprocessing import Pool\ns = 'é😀'; p = Pool(2)\n"
    uri = uri_for(tmp_path)
    open_doc(client, uri, src)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    line = src.splitlines()[1]
    prefix = line[: line.index("Pool(2)")]
    assert diags[0].range.start.character == len(prefix.encode("utf-8"))


# ------------------------------------------------------------------------------------------------
# lifecycle: bursts, stale results, onSave, half-typed code


async def test_burst_analyses_only_newest_version(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    text = BROKEN.replace("range(4)))", "range(4)))  # note")
    open_doc(client, uri, text)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    # ten keystrokes in a trailing comment, sent back to back
    base_line = text.splitlines()[4]
    for i in range(10):
        change(client, uri, 2 + i, "x", (4, len(base_line) + i), (4, len(base_line) + i))
        if i == 0:
            change(client, uri, 2, "", (4, len(base_line)), (4, len(base_line)))  # no-op, same version
    await wait_for(lambda: client.diagnostics.get(uri) is not None)

    async def final_published():
        stats = await debug_stats(client, uri)
        return stats["documents"][uri]

    deadline = asyncio.get_running_loop().time() + 10
    while True:
        doc = await final_published()
        if doc["publishedVersions"] and doc["publishedVersions"][-1] == 11:
            break
        assert asyncio.get_running_loop().time() < deadline, doc
        await asyncio.sleep(0.05)
    analysed = doc["versionsAnalysed"]
    assert analysed[0] == 1 and analysed[-1] == 11
    assert len(analysed) <= 3, analysed  # open, maybe one in-flight straggler, the newest
    assert doc["publishedVersions"] == [1, 11], doc
    assert codes(client.diagnostics[uri]) == ["MP101"]


@pytest.mark.parametrize("client", [{"init": {"debounceMs": 0}}], indirect=True)
async def test_outdated_results_never_published(client: LanguageClient, tmp_path):
    # A large file keeps the analysis busy while edits arrive; every published version must be
    # the newest one at the time, so the published versions strictly increase and end at the last.
    big = BROKEN + "".join(f"def f{i}(x):\n    return [x for x in range({i})]\n" for i in range(1500))
    uri = uri_for(tmp_path)
    seen: list[int] = []
    orig = client.protocol.fm.features.get(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    open_doc(client, uri, big)
    end = big.count("\n")  # edit the (empty) last line: the import stays, every version is slow
    for v in range(2, 12):
        change(client, uri, v, "#", (end, 0), (end, 0))
        await asyncio.sleep(0.03)
    stats = None
    for _ in range(400):
        stats = (await debug_stats(client, uri))["documents"][uri]
        if stats["publishedVersions"] and stats["publishedVersions"][-1] == 11:
            break
        await asyncio.sleep(0.05)
    pub = stats["publishedVersions"]
    assert pub[-1] == 11
    assert pub == sorted(set(pub)), pub
    assert stats["analyses"] < 11, stats


@pytest.mark.parametrize("client", [{"init": {"run": "onSave"}}], indirect=True)
async def test_on_save_mode(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, CLEAN)
    await wait_for(lambda: uri in client.diagnostics)
    assert len(client.diagnostics[uri]) == 0
    replace_all(client, uri, 2, BROKEN)
    await asyncio.sleep(0.5)
    assert len(client.diagnostics[uri]) == 0
    stats = (await debug_stats(client, uri))["documents"][uri]
    assert stats["analyses"] == 1
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert codes(diags) == ["MP101"]


async def test_half_typed_code_keeps_last_findings_shifted(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    # Type an unfinished `def` above everything: the file stops parsing.
    change(client, uri, 2, "def broken(:\n", (0, 0), (0, 0))
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP000" for d in ds))
    mp101 = [d for d in diags if d.code == "MP101"]
    assert mp101 and mp101[0].range.start.line == 4  # was 3: shifted by the inserted line
    syntax = next(d for d in diags if d.code == "MP000")
    assert syntax.severity == lsp.DiagnosticSeverity.Error
    # An edit inside the finding's range drops it; edits elsewhere keep it.
    change(client, uri, 3, "W", (4, 0), (4, 4))  # `with` -> `W`: before the finding, which shifts
    await asyncio.sleep(0.4)
    assert [d.range.start.character for d in client.diagnostics[uri] if d.code == "MP101"] == [2]
    change(client, uri, 4, "X", (4, 2), (4, 6))  # `Pool` -> `X`: inside the finding, which goes
    await asyncio.sleep(0.4)
    assert not [d for d in client.diagnostics[uri] if d.code == "MP101"]
    # Fix the syntax: real findings come back.
    change(client, uri, 5, "", (0, 0), (1, 0))
    change(client, uri, 6, "with Pool", (3, 0), (3, 3))
    diags = await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])
    assert diags[0].range.start.line == 3


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02binary\x00junk import multiprocessing",
        "".join(chr(c) for c in range(1, 0x3000, 7)),
        "from multiprocessing import Pool\nx = " + "(" * 500 + "1" + ")" * 500 + "\n",
        "import multiprocessing\n" + "(" * 500 + "\n",
        "from multiprocessing import Pool\n" + "x = 1\n" * 20000 + "with Pool() as p:\n    pass\n",
        "\ufeff\u2028\u2029\x0c\x0b\r\rfrom multiprocessing import Pool\rPool()\r",
    ],
    ids=["nul", "junk", "nested500", "unclosed500", "huge", "odd-newlines"],
)
async def test_garbage_text_never_crashes(client: LanguageClient, tmp_path, text):
    uri = uri_for(tmp_path)
    open_doc(client, uri, text)
    await wait_for(lambda: uri in client.diagnostics, timeout=60)
    for d in client.diagnostics[uri]:
        assert d.range.start.line >= 0 and d.range.start.character >= 0
    # The server still answers requests at silly positions.
    far = lsp.Position(line=10000, character=10000)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=far)
    )
    assert hover is None
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=far, end=far),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    assert isinstance(actions, (list, tuple))
    # And keeps linting.
    open_doc(client, uri_for(tmp_path, "after.py"), BROKEN)
    await diagnostics_for(client, uri_for(tmp_path, "after.py"), lambda ds: len(ds) > 0)
    assert client.error is None


async def test_out_of_range_requests_on_real_file(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    for pos in (lsp.Position(line=10000, character=0), lsp.Position(line=0, character=10000),
                lsp.Position(line=3, character=99999)):
        await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=pos)
        )
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=lsp.Range(start=pos, end=pos),
                context=lsp.CodeActionContext(diagnostics=[]),
            )
        )
        assert isinstance(actions, (list, tuple))
    # requests for documents that are not open
    other = uri_for(tmp_path, "nope.py")
    assert await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=other), position=lsp.Position(line=0, character=0))
    ) is None


# ------------------------------------------------------------------------------------------------
# settings


@pytest.mark.parametrize("client", [{"config": {"ignore": []}}], indirect=True)
async def test_did_change_configuration_repulls_settings(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])
    client.set_configuration({"ignore": ["MP101"]}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)
    client.set_configuration({"select": ["MP1"]}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])
    # the dynamic registrations the client advertised support for
    methods = {r.method for r in client.registrations}
    assert lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES in methods
    assert lsp.WORKSPACE_DID_CHANGE_CONFIGURATION in methods


@pytest.mark.parametrize(
    "client",
    [{"init": {"settings": [], "globalSettings": {"ignore": ["MP101"], "bogusKey": 1, "select": ["MP999", "MP1"],
                                                    "showNotifications": "always"}}}],
    indirect=True,
)
async def test_initialization_options_and_warnings(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await wait_for(lambda: uri in client.diagnostics)
    await asyncio.sleep(0.2)
    assert len(client.diagnostics[uri]) == 0  # ignore = MP101 from globalSettings
    logs = only_mpguard_logs(client)
    assert "unknown setting `bogusKey`" in logs
    assert "MP999" in logs
    shown = "\n".join(m.message for m in client.messages)
    assert "bogusKey" in shown  # showNotifications = always


async def test_per_folder_settings(tmp_path):
    # covered through the e2e editors too; here: the Microsoft shape with a `workspace` key
    from mpguard.lsp.settings import split_initialization_options

    g, folders, warnings = split_initialization_options(
        {"settings": [{"workspace": "file:///a/", "run": "onSave"}], "globalSettings": {"run": "onType"}}
    )
    assert g == {"run": "onType"} and folders["file:///a"]["run"] == "onSave" and not warnings


@pytest.mark.parametrize("client", [{"init": {"enable": False}}], indirect=True)
async def test_disabled(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await wait_for(lambda: uri in client.diagnostics)
    assert len(client.diagnostics[uri]) == 0


async def test_pyproject_change_relints(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mpguard]\n")
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard]\nignore = ["MP101"]\n')
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=(tmp_path / "pyproject.toml").as_uri(), type=lsp.FileChangeType.Changed)]
        )
    )
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)


@pytest.mark.parametrize("client", [{"config": {"ignore": []}}], indirect=True)
async def test_editor_settings_override_pyproject(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard]\nignore = ["MP101"]\n')
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])


# ------------------------------------------------------------------------------------------------
# code actions


def _action_params(uri, rng, diags=(), only=None):
    return lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=rng,
        context=lsp.CodeActionContext(diagnostics=list(diags), only=only),
    )


async def test_guard_quickfix_and_disable_actions(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    d = diags[0]
    actions = await client.text_document_code_action_async(_action_params(uri, d.range, [d]))
    titles = [a.title for a in actions]
    fix = actions[0]
    assert fix.title == 'Wrap in `if __name__ == "__main__":` guard'
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == "MP101"
    assert "Disable MP101 for this line" in titles and "Disable MP101 for this file" in titles
    fixed = apply_text_edits(BROKEN, edits_of(fix, uri))
    assert 'if __name__ == "__main__":' in fixed
    compile(fixed, "fixed.py", "exec")
    # The editor applies the edit: the diagnostic goes away.
    replace_all(client, uri, 2, fixed)
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)

    for title, expect in (("Disable MP101 for this line", "# mpguard: ignore[MP101]"),
                          ("Disable MP101 for this file", "# mpguard: ignore-file[MP101]")):
        replace_all(client, uri, 10, BROKEN)
        diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
        actions = await client.text_document_code_action_async(_action_params(uri, diags[0].range, diags))
        act = next(a for a in actions if a.title == title)
        new = apply_text_edits(BROKEN, edits_of(act, uri))
        assert expect in new
        replace_all(client, uri, 11, new)
        await diagnostics_for(client, uri, lambda ds: len(ds) == 0)


async def _titles(client, uri, rng, diags, only=None) -> list[str]:
    """The titles of the actions for `rng`, but the refactoring no toggle covers (as in Ruff)."""
    actions = await client.text_document_code_action_async(_action_params(uri, rng, diags, only))
    return [a.title for a in actions if a.kind != lsp.CodeActionKind.RefactorRewrite]


@pytest.mark.parametrize("client", [{"config": {}}], indirect=True)
async def test_code_action_toggles_are_read_by_the_server(client: LanguageClient, tmp_path):
    # Ruff's `codeAction.*.enable` and `fixAll`, honoured by the server so that every editor
    # (not only VS Code) gets them.
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=5, character=0))
    guard = 'Wrap in `if __name__ == "__main__":` guard'
    fix_all = "mpguard: Fix all auto-fixable problems"
    assert await _titles(client, uri, diags[0].range, diags) == [
        guard, "Disable MP101 for this line", "Disable MP101 for this file", fix_all]

    async def after(settings: dict) -> None:
        client.set_configuration(settings, section="mpguard")
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        await asyncio.sleep(0.3)  # the server pulls the configuration again

    await after({"codeAction": {"disableRuleComment": {"enable": False}}})
    assert await _titles(client, uri, diags[0].range, diags) == [guard, fix_all]
    await after({"codeAction": {"fixViolation": {"enable": False}, "disableRuleComment": {"enable": True}}})
    assert await _titles(client, uri, diags[0].range, diags) == [
        "Disable MP101 for this line", "Disable MP101 for this file"]
    await after({"fixAll": False})
    assert await _titles(client, uri, whole, [], only=["source.fixAll"]) == []
    assert fix_all not in await _titles(client, uri, diags[0].range, diags)
    await after({"fixAll": "sometimes", "codeAction": {"fixViolation": {"enable": 0}, "bogus": True}})
    logs = only_mpguard_logs(client)
    assert "setting `fixAll` must be true or false, got 'sometimes'; ignored" in logs
    assert "setting `codeAction.fixViolation.enable` must be true or false, got 0; ignored" in logs
    assert "unknown setting `codeAction.bogus`; ignored" in logs
    assert await _titles(client, uri, diags[0].range, diags) == [
        guard, "Disable MP101 for this line", "Disable MP101 for this file", fix_all]


@pytest.mark.parametrize("client", [{"config": {"platforms": ["linux"], "targetVersion": "py312"}}], indirect=True)
async def test_target_version_and_platforms_settings_override_the_project(client: LanguageClient, tmp_path):
    # A Linux-only program on 3.12 forks: the spawn-only MP101 does not apply. The project says
    # otherwise (all platforms); the editor settings win, and "auto" / [] give the project's back.
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard]\ntarget-version = "py312"\n')
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await asyncio.sleep(0.5)
    await diagnostics_for(client, uri, lambda ds: codes(ds) == [])
    client.set_configuration({"platforms": ["linux"], "targetVersion": "py314"}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])  # 3.14: forkserver
    client.set_configuration({"platforms": ["linux"], "targetVersion": "auto"}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await diagnostics_for(client, uri, lambda ds: codes(ds) == [])  # the project's py312
    client.set_configuration({"platforms": [], "targetVersion": "auto"}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await diagnostics_for(client, uri, lambda ds: codes(ds) == ["MP101"])  # all platforms again
    client.set_configuration({"targetVersion": "py39", "platforms": ["beos"]}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: "`target-version` must be one of" in only_mpguard_logs(client))
    assert "unknown platform 'beos' in `platforms`" in only_mpguard_logs(client)


async def test_only_filters_kinds(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    actions = await client.text_document_code_action_async(
        _action_params(uri, diags[0].range, diags, only=[lsp.CodeActionKind.RefactorRewrite])
    )
    assert all(a.kind.startswith("refactor") for a in actions)
    actions = await client.text_document_code_action_async(
        _action_params(uri, diags[0].range, diags, only=[lsp.CodeActionKind.QuickFix])
    )
    assert actions and all(a.kind == "quickfix" for a in actions)


async def test_fix_all_source_action(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
    for only in (["source.fixAll"], ["source.fixAll.mpguard"], ["source"]):
        actions = await client.text_document_code_action_async(_action_params(uri, whole, [], only=only))
        assert [a.kind for a in actions] == ["source.fixAll.mpguard"], (only, actions)
    fixed = apply_text_edits(BROKEN, edits_of(actions[0], uri))
    from mpguard.engine import analyze

    assert analyze(fixed).findings == []
    # Nothing left to fix: no action (safe for editor.codeActionsOnSave).
    replace_all(client, uri, 2, fixed)
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)
    actions = await client.text_document_code_action_async(_action_params(uri, whole, [], only=["source.fixAll"]))
    assert not actions


async def test_code_action_after_unanalysed_edit_uses_current_text(client: LanguageClient, tmp_path):
    # The document changes and a code action arrives before the debounced analysis: the server
    # re-analyses the current text so the edit cannot corrupt the buffer.
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    new_text = "# header\n# more\n" + BROKEN
    change(client, uri, 2, "# header\n# more\n", (0, 0), (0, 0))
    pos = lsp.Position(line=5, character=6)  # inside `Pool(2)`
    actions = await client.text_document_code_action_async(_action_params(uri, lsp.Range(start=pos, end=pos)))
    fix = next(a for a in actions if a.title.startswith("Wrap in"))
    fixed = apply_text_edits(new_text, edits_of(fix, uri))
    assert fixed.startswith("# header\n# more\nfrom multiprocessing import Pool\n")
    assert 'if __name__ == "__main__":\n    with Pool(2) as p:' in fixed


async def test_fix_all_command_applies_edit(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="mpguard.fixAll", arguments=[uri])
    )
    assert client.applied_edits, result
    edit = client.applied_edits[-1]
    fixed = apply_text_edits(BROKEN, edit.changes[uri])
    assert 'if __name__ == "__main__":' in fixed
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="mpguard.showRuleDocs", arguments=["MP101"])
    )
    assert "MP101" in str(result)


RESOLVE_CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True)
    ),
    text_document=lsp.TextDocumentClientCapabilities(
        code_action=lsp.CodeActionClientCapabilities(
            resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"]),
            data_support=True,
        )
    ),
)


@pytest.mark.parametrize("client", [{"caps": RESOLVE_CAPS}], indirect=True)
async def test_code_action_resolve(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    actions = await client.text_document_code_action_async(_action_params(uri, diags[0].range, diags))
    fix = actions[0]
    assert fix.edit is None and fix.data
    resolved = await client.code_action_resolve_async(fix)
    dc = resolved.edit.document_changes[0]
    assert dc.text_document.version == 1
    fixed = apply_text_edits(BROKEN, dc.edits)
    assert 'if __name__ == "__main__":' in fixed


async def test_lambda_fix(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, LAMBDA)
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP201" for d in ds))
    d = next(d for d in diags if d.code == "MP201")
    actions = await client.text_document_code_action_async(_action_params(uri, d.range, [d]))
    fix = next(a for a in actions if a.title.startswith("Replace lambda"))
    fixed = apply_text_edits(LAMBDA, edits_of(fix, uri))
    from mpguard.engine import analyze

    assert "lambda" not in fixed
    assert not [f for f in analyze(fixed).findings if f.code == "MP201"]


# ------------------------------------------------------------------------------------------------
# hover


async def test_hover_on_diagnostic_and_suppression(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    text = BROKEN + "x = 1  # mpguard: ignore[MP201, MP101]\n"
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP101" for d in ds))
    d = next(d for d in diags if d.code == "MP101")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=d.range.start)
    )
    assert hover.contents.kind == lsp.MarkupKind.Markdown
    assert "MP101" in hover.contents.value and "unguarded-process-start" in hover.contents.value
    line = text.splitlines()[5]
    col = line.index("MP201") + 2
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=5, character=col))
    )
    assert hover is not None and "MP201" in hover.contents.value
    assert hover.range.start.character == line.index("MP201")
    # no hover on plain code
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=1, character=2))
    )
    assert hover is None


# ------------------------------------------------------------------------------------------------
# pull diagnostics


PULL_CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        diagnostics=lsp.DiagnosticWorkspaceClientCapabilities(refresh_support=True),
        configuration=True,
    ),
    text_document=lsp.TextDocumentClientCapabilities(
        diagnostic=lsp.DiagnosticClientCapabilities(dynamic_registration=False),
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(),
    ),
)


def _pull(client, uri, previous=None):
    return client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri), previous_result_id=previous)
    )


@pytest.mark.parametrize("client", [{"caps": PULL_CAPS, "config": {}}], indirect=True)
async def test_pull_diagnostics(client: LanguageClient, tmp_path):
    assert client.init_result.capabilities.diagnostic_provider is not None
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    report = await _pull(client, uri)
    assert codes(report.items) == ["MP101"]
    again = await _pull(client, uri, report.result_id)
    assert again.kind == "unchanged"
    replace_all(client, uri, 2, CLEAN)
    report2 = await _pull(client, uri, report.result_id)
    assert report2.kind == "full" and len(report2.items) == 0
    # settings change: the server asks the client to pull again
    client.set_configuration({"ignore": ["MP101"]}, section="mpguard")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for(lambda: client.diagnostic_refresh_count > 0)
    # never pushed to a pulling client: no duplicates
    assert uri not in client.diagnostics


@pytest.mark.parametrize(
    "client", [{"caps": pytest_lsp.client_capabilities("neovim@v0.11.0")},
               {"caps": pytest_lsp.client_capabilities("visual-studio-code")},
               {"caps": pytest_lsp.client_capabilities("emacs")}],
    indirect=True, ids=["nvim-0.11", "vscode", "emacs"],
)
async def test_real_client_capabilities(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    if client.init_result.capabilities.diagnostic_provider is not None:
        report = await _pull(client, uri)
        diags = report.items
    else:
        diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    assert codes(diags) == ["MP101"]
    actions = await client.text_document_code_action_async(_action_params(uri, diags[0].range, diags))
    assert actions[0].title.startswith("Wrap in")
    assert actions[0].edit is not None or actions[0].data is not None


async def test_convert_pool_refactoring_at_cursor(client: LanguageClient, tmp_path):
    # No rule reports this block; the conversion is offered because the cursor is in it.
    uri = uri_for(tmp_path)
    open_doc(client, uri, CLEAN)
    await wait_for(lambda: uri in client.diagnostics)
    pos = lsp.Position(line=5, character=12)  # inside `print(p.map(work, range(4)))`
    actions = await client.text_document_code_action_async(
        _action_params(uri, lsp.Range(start=pos, end=pos), only=[lsp.CodeActionKind.RefactorRewrite])
    )
    conv = [a for a in actions if a.title == "Convert Pool to ProcessPoolExecutor"]
    assert conv and conv[0].kind == "refactor.rewrite"
    fixed = apply_text_edits(CLEAN, edits_of(conv[0], uri))
    assert "ProcessPoolExecutor(2)" in fixed or "ProcessPoolExecutor(max_workers=2)" in fixed
    ns: dict = {}
    compile(fixed, "conv.py", "exec")
    # Outside any `with Pool` block: nothing.
    pos = lsp.Position(line=1, character=4)
    actions = await client.text_document_code_action_async(
        _action_params(uri, lsp.Range(start=pos, end=pos), only=[lsp.CodeActionKind.RefactorRewrite])
    )
    assert not actions


@pytest.mark.parametrize("client", [{"init": {"debounceMs": 0}}], indirect=True)
async def test_edits_are_reparsed_incrementally_with_the_same_diagnostics(client: LanguageClient, tmp_path):
    # Typing a lambda into a worker call of the second statement, key by key: each analysis
    # re-parses only the edited top-level statement, and the final diagnostics (ranges included)
    # are those of the same text opened in a fresh document.
    head = "import multiprocessing\n\n\ndef work(x):\n    return x\n\n\n"
    body = "if __name__ == '__main__':\n    with multiprocessing.Pool(2) as pool:\n        pool.map(work, [1])\n"
    uri = uri_for(tmp_path)
    text = head + body
    open_doc(client, uri, text)
    await _published(client, uri, 1)
    line = text.split("\n").index("        pool.map(work, [1])")
    column = len("        pool.map(")
    typed = "lambda v: v, "
    for i, ch in enumerate(typed):
        change(client, uri, 2 + i, ch, (line, column + i), (line, column + i))
        await _published(client, uri, 2 + i)
    final = text.replace("pool.map(", "pool.map(" + typed)
    diags = await diagnostics_for(client, uri, lambda ds: "MP201" in codes(ds))
    stats = (await debug_stats(client, uri))["documents"][uri]
    assert stats["incrementalAnalyses"] >= len(typed) - 2, stats

    fresh = uri_for(tmp_path, "fresh.py")
    open_doc(client, fresh, final)
    fresh_diags = await diagnostics_for(client, fresh, lambda ds: "MP201" in codes(ds))
    as_tuples = lambda ds: sorted((str(d.code), d.range.start.line, d.range.start.character,  # noqa: E731
                                   d.range.end.line, d.range.end.character, d.message) for d in ds)
    assert as_tuples(diags) == as_tuples(fresh_diags)


async def _published(client: LanguageClient, uri: str, version: int) -> None:
    for _ in range(500):
        stats = (await debug_stats(client, uri))["documents"].get(uri)
        if stats and stats["publishedVersions"] and stats["publishedVersions"][-1] == version:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"version {version} of {uri} was never published")


async def test_hover_range_fits_the_text_after_an_edit(client: LanguageClient, tmp_path):
    """Diagnostics kept through an edit stay inside the text: hover on a syntax error that points
    past the end of its line answers with a range inside that line."""
    uri = uri_for(tmp_path)
    text = "import multiprocessing\nif True:"  # CPython: the block is missing after the colon, column 9
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP000" for d in ds))
    line_end = lsp.Range(start=lsp.Position(line=1, character=8), end=lsp.Position(line=1, character=8))
    assert [d.range for d in diags] == [line_end]
    change(client, uri, 2, " ", (0, 22), (0, 22))  # an edit above it: the error is kept, not moved
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=1, character=8)))
    assert hover is not None and "MP000" in hover.contents.value
    assert hover.range == line_end
