"""Document identity: every URI spelling an editor sends gets diagnostics, code actions and hover,
and the server writes back exactly the URI it was sent.

The first half tests the pure conversions (`mpguard.uris`, `mpguard.lsp.documents`) for Windows and
POSIX path flavours on any OS; the second half drives the real server over stdio.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import BROKEN, CLEAN, SERVER_CMD, apply_text_edits, debug_stats, diagnostics_for, edits_of
from mpguard.lsp.documents import FolderDict, KeyedDict, best_folder, folder_key, folder_path, is_pyproject
from mpguard.uris import document_key, path_to_uri, relative_uri, sarif_location, uri_to_path

W, P = PureWindowsPath, PurePosixPath

# ------------------------------------------------------------------------------------------------
# conversions


@pytest.mark.parametrize(
    "uri, key",
    [
        ("file:///tmp/plain/job.py", "file:///tmp/plain/job.py"),
        ("file:///tmp/my%20project/job.py", "file:///tmp/my%20project/job.py"),
        ("file:///tmp/my project/job.py", "file:///tmp/my%20project/job.py"),
        ("file:///tmp/caf%C3%A9/job.py", "file:///tmp/caf%C3%A9/job.py"),
        ("file:///tmp/café/job.py", "file:///tmp/caf%C3%A9/job.py"),
        ("file:///tmp/caf%c3%a9/job.py", "file:///tmp/caf%C3%A9/job.py"),
        ("file:///c%3A/Users/dev/job.py", "file:///c:/Users/dev/job.py"),
        ("file:///C:/Users/dev/job.py", "file:///c:/Users/dev/job.py"),
        ("file:///C%3a/Users/dev/job.py", "file:///c:/Users/dev/job.py"),
        ("FILE://localhost/c:/Users/dev/job.py", "file:///c:/Users/dev/job.py"),
        ("file:///tmp/a%23b/job.py", "file:///tmp/a%23b/job.py"),
        ("file:///tmp/100%25/job.py", "file:///tmp/100%25/job.py"),
        ("file://Server/share/x.py", "file://server/share/x.py"),
        ("untitled:Untitled-1", "untitled:Untitled-1"),
        ("vscode-notebook-cell:/c%3A/nb.ipynb#W0sZmlsZQ%3D%3D", "vscode-notebook-cell:/c%3A/nb.ipynb#W0sZmlsZQ%3D%3D"),
    ],
)
def test_document_key(uri, key):
    assert document_key(uri) == key
    assert document_key(key) == key  # idempotent: a key can be looked up as a URI


def test_paths_keep_case_but_drive_letters_fold():
    assert document_key("file:///c%3A/Users/Dev/x.py") != document_key("file:///c%3A/Users/dev/x.py")


@pytest.mark.parametrize(
    "uri, windows, posix",
    [
        ("file:///c%3A/Users/dev/my%20project/job.py", r"C:\Users\dev\my project\job.py", "/c:/Users/dev/my project/job.py"),
        ("file:///C:/Users/dev/job.py", r"C:\Users\dev\job.py", "/C:/Users/dev/job.py"),
        ("file:///d%3A", "D:\\", "/d:"),
        ("file://server/share/x.py", r"\\server\share\x.py", "//server/share/x.py"),
        ("file:///tmp/a%23b/caf%C3%A9.py", r"\tmp\a#b\café.py", "/tmp/a#b/café.py"),
        ("untitled:Untitled-1", None, None),
    ],
)
def test_uri_to_path_both_flavours(uri, windows, posix):
    assert uri_to_path(uri, W) == windows
    assert uri_to_path(uri, P) == posix


@pytest.mark.parametrize(
    "path, flavour, uri",
    [
        (r"C:\Users\dev\my project\job é.py", W, "file:///C:/Users/dev/my%20project/job%20%C3%A9.py"),
        (r"c:\x\a#b.py", W, "file:///C:/x/a%23b.py"),
        (r"\\server\share\x.py", W, "file://server/share/x.py"),
        ("/tmp/my project/100%.py", P, "file:///tmp/my%20project/100%25.py"),
        ("/tmp/🐍/x.py", P, "file:///tmp/%F0%9F%90%8D/x.py"),
    ],
)
def test_path_to_uri_round_trips(path, flavour, uri):
    assert path_to_uri(path, flavour) == uri
    assert uri_to_path(uri, flavour) == str(flavour(path)).replace("c:", "C:")


def test_relative_paths_have_no_uri():
    for path, flavour in ((r"src\a.py", W), ("src/a.py", P), ("C:a.py", W)):
        with pytest.raises(ValueError):
            path_to_uri(path, flavour)
    assert path_to_uri(r"\tmp\x.py", W) == "file:///tmp/x.py"  # root of the current drive
    assert folder_key("relative dir", P) == "relative dir"


def test_sarif_location_relative_inside_root_absolute_outside():
    assert sarif_location(r"c:\Repo\src\my job.py", r"C:\repo", W) == {"uri": "src/my%20job.py", "uriBaseId": "%SRCROOT%"}
    assert sarif_location(r"D:\other\x.py", r"C:\repo", W) == {"uri": "file:///D:/other/x.py"}
    assert sarif_location("/repo/src/a#b.py", "/repo", P) == {"uri": "src/a%23b.py", "uriBaseId": "%SRCROOT%"}
    assert sarif_location("/elsewhere/x.py", "/repo", P) == {"uri": "file:///elsewhere/x.py"}
    assert relative_uri("/Repo/x.py", "/repo", P) is None  # POSIX paths are case-sensitive


def test_keyed_dict_finds_every_spelling():
    docs = KeyedDict()
    docs["file:///c%3A/Users/dev/job.py"] = "doc"
    for spelling in ("file:///C:/Users/dev/job.py", "file:///c:/Users/dev/job.py", "file:///C%3a/Users/dev/job.py"):
        assert spelling in docs and docs[spelling] == "doc" and docs.get(spelling) == "doc"
    assert list(docs) == ["file:///c:/Users/dev/job.py"]
    assert docs.pop("file:///C:/Users/dev/job.py") == "doc" and not docs
    assert docs.get(None) is None and 5 not in docs  # malformed requests find nothing
    docs.update({"file:///C%3A/x.py": 1})
    assert docs == {"file:///c:/x.py": 1} and KeyedDict(docs) == docs


def test_folders_match_by_path_whatever_the_spelling():
    folders = ["file:///c%3A/Users/dev/proj", "file:///C:/Users/dev/proj/sub/", r"C:\Users\dev\other"]
    assert best_folder("file:///C:/Users/dev/proj/a.py", folders, W) == "file:///c:/Users/dev/proj"
    assert best_folder("file:///c%3A/users/DEV/proj/sub/b.py", folders, W) == "file:///c:/Users/dev/proj/sub"
    assert best_folder("file:///c%3A/Users/dev/other/c.py", folders, W) == "file:///c:/Users/dev/other"
    assert best_folder("file:///c%3A/Users/dev/project2/d.py", folders, W) is None
    assert best_folder("untitled:Untitled-1", folders, W) is None
    assert best_folder("file:///ws/my%20project/x.py", ["file:///ws/my project/"], P) == "file:///ws/my%20project"
    assert folder_key("file:///") == "file:///" and folder_path("file:///c%3A/", W) == "C:\\"
    settings = FolderDict({"file:///c%3A/proj/": {"run": "onSave"}})
    assert settings["file:///C:/proj"] == {"run": "onSave"}


def test_is_pyproject():
    assert is_pyproject("file:///c%3A/proj/PyProject.toml", W)
    assert not is_pyproject("file:///proj/PyProject.toml", P)
    assert is_pyproject("file:///proj/pyproject%2Etoml", P)
    assert not is_pyproject("untitled:pyproject.toml", P)


# ------------------------------------------------------------------------------------------------
# over stdio

CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        configuration=True,
        did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
    ),
    text_document=lsp.TextDocumentClientCapabilities(
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
        hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
    ),
    notebook_document=lsp.NotebookDocumentClientCapabilities(synchronization=lsp.NotebookDocumentSyncClientCapabilities()),
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path, request):
    param = getattr(request, "param", None) or {}
    init = param.get("init")
    root = tmp_path / "my project é"
    root.mkdir()

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams):
        return None

    lsp_client.init_result = await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=param.get("caps", CAPS), root_uri=root.as_uri(),
                             workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="ws")],
                             initialization_options=init)
    )
    yield
    await lsp_client.shutdown_session()


def _forms(tmp_path: Path) -> dict[str, str]:
    """Every URI form an editor sends, as it sends it (name -> URI)."""
    root = tmp_path / "my project é"
    return {
        "plain": (tmp_path / "plain" / "job.py").as_uri(),
        "space": (root / "job.py").as_uri(),  # .../my%20project%20%C3%A9/job.py
        "non-ascii": (tmp_path / "café" / "job.py").as_uri(),
        "emoji": (tmp_path / "sp 🐍" / "job.py").as_uri(),
        "hash": (tmp_path / "a#b" / "job.py").as_uri(),
        "vscode-windows": "file:///c%3A/Users/dev/my%20project/job.py",
        "neovim-windows": "file:///C:/Users/dev/other/job.py",
        "mixed-case-drive": "file:///C%3a/Users/Dev/mixed/job.py",
        "unc": "file://server/share/x%20y/job.py",
        "untitled": "untitled:Untitled-1",
    }


def _open(client, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


def _replace(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


def _close(client, uri: str) -> None:
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))


def _has_mp101(ds) -> bool:
    return [str(d.code) for d in ds] == ["MP101"]


async def test_every_uri_form_gets_diagnostics_actions_hover_change_and_close(client: LanguageClient, tmp_path):
    forms = _forms(tmp_path)
    for uri in forms.values():
        _open(client, uri, BROKEN)
    for name, uri in forms.items():
        diags = await diagnostics_for(client, uri, _has_mp101)  # published under the URI as sent
        d = diags[0]
        assert d.data["uri"] == uri, name
        actions = await client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
            context=lsp.CodeActionContext(diagnostics=[d])))
        fix = actions[0]
        assert fix.title == 'Wrap in `if __name__ == "__main__":` guard', name
        assert list(fix.edit.changes) == [uri], name  # the edit names the document byte for byte
        fixed = apply_text_edits(BROKEN, edits_of(fix, uri))
        assert 'if __name__ == "__main__":' in fixed, name
        hover = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=d.range.start))
        assert hover is not None and hover.contents.value.startswith("**MP101**"), name
    for name, uri in forms.items():
        _replace(client, uri, 2, fixed)
    for name, uri in forms.items():
        await diagnostics_for(client, uri, lambda ds: len(ds) == 0)
    stats = await debug_stats(client)
    assert set(stats["documents"]) == set(forms.values())  # one state per document, under its URI
    for uri in forms.values():
        _close(client, uri)
    assert (await debug_stats(client))["documents"] == {}  # handled in order: all closed


async def test_close_clears_under_the_uri_sent_and_reopen_works(client: LanguageClient, tmp_path):
    uri = "file:///c%3A/Users/dev/my%20project/job.py"
    _open(client, uri, BROKEN)
    await diagnostics_for(client, uri, _has_mp101)
    _close(client, uri)
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)
    assert (await debug_stats(client))["documents"] == {}
    _open(client, uri, BROKEN, version=5)
    diags = await diagnostics_for(client, uri, _has_mp101)
    assert diags[0].data["version"] == 5


async def test_requests_with_another_spelling_find_the_document(client: LanguageClient, tmp_path):
    # Opened as VS Code spells it; a change and a hover spelled as Neovim does reach the same
    # document, and diagnostics keep going to the URI the document was opened with.
    opened, other = "file:///c%3A/Users/dev/job.py", "file:///C:/Users/dev/job.py"
    _open(client, opened, BROKEN)
    d = (await diagnostics_for(client, opened, _has_mp101))[0]
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=other), position=d.range.start))
    assert hover is not None and hover.contents.value.startswith("**MP101**")
    _replace(client, other, 2, CLEAN)
    await diagnostics_for(client, opened, lambda ds: len(ds) == 0)
    assert other not in client.diagnostics
    stats = await debug_stats(client, other)
    assert list(stats["documents"]) == [opened]


@pytest.mark.parametrize("client", [{"init": {"settings": [
    {"workspace": "file:///c%3A/Users/dev/quiet%20one/", "enable": False},
]}}], indirect=True)
async def test_folder_settings_apply_whatever_the_spelling(client: LanguageClient, tmp_path):
    quiet, loud = "file:///C:/Users/dev/quiet one/job.py", "file:///C:/Users/dev/loud/job.py"
    _open(client, quiet, BROKEN)
    _open(client, loud, BROKEN)
    await diagnostics_for(client, loud, _has_mp101)
    await diagnostics_for(client, quiet, lambda ds: len(ds) == 0)  # its folder disables mpguard


@pytest.mark.parametrize("client", [{"caps": pytest_lsp.client_capabilities("visual-studio-code")}], indirect=True)
async def test_vscode_client_resolve_and_document_changes_on_a_windows_uri(client: LanguageClient, tmp_path):
    # What VS Code on Windows sends: resolve the edit lazily, documentChanges (and pull
    # diagnostics in the VS Code versions whose capabilities ask for them).
    uri = "file:///c%3A/Users/dev/my%20project/job.py"
    _open(client, uri, BROKEN)
    if client.init_result.capabilities.diagnostic_provider is not None:
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
        diags = report.items
    else:
        diags = await diagnostics_for(client, uri, _has_mp101)
    assert [str(d.code) for d in diags] == ["MP101"]
    d = diags[0]
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    fix = actions[0]
    if fix.edit is None:
        fix = await client.code_action_resolve_async(fix)
    assert [dc.text_document.uri for dc in fix.edit.document_changes] == [uri]
    assert 'if __name__ == "__main__":' in apply_text_edits(BROKEN, fix.edit.document_changes[0].edits)


PULL_CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(configuration=True),
    text_document=lsp.TextDocumentClientCapabilities(diagnostic=lsp.DiagnosticClientCapabilities()),
)


@pytest.mark.parametrize("client", [{"caps": PULL_CAPS}], indirect=True)
async def test_pull_diagnostics_for_any_spelling(client: LanguageClient, tmp_path):
    uri = (tmp_path / "my project é" / "a#b.py").as_uri()
    _open(client, uri, BROKEN)
    for spelling in (uri, uri.replace("%20", " ").replace("%C3%A9", "é")):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=spelling)))
        assert [str(d.code) for d in report.items] == ["MP101"]
        assert report.items[0].data["uri"] == uri
    assert uri not in client.diagnostics  # a pulling client gets nothing pushed


async def test_related_information_names_the_uri_sent(client: LanguageClient, tmp_path):
    src = "from multiprocessing import Process\ndef work():\n    pass\ndef main():\n    Process(target=work).start()\nmain()\n"
    uri = "file:///c%3A/Users/dev/caf%C3%A9/rel.py"
    _open(client, uri, src)
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP101" for d in ds))
    d = next(d for d in diags if d.code == "MP101")
    assert [r.location.uri for r in d.related_information] == [uri]


async def test_pyproject_found_through_an_encoded_uri(client: LanguageClient, tmp_path):
    # Config discovery goes uri -> path: the file lives under "my project é/" (percent-encoded).
    root = tmp_path / "my project é"
    (root / "pyproject.toml").write_text('[tool.mpguard]\nignore = ["MP101"]\n')
    uri = (root / "sub dir" / "job.py").as_uri()
    assert "%20" in uri and "%C3%A9" in uri
    _open(client, uri, BROKEN)
    await diagnostics_for(client, uri, lambda ds: len(ds) == 0)
    (root / "pyproject.toml").write_text("[tool.mpguard]\n")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[
        lsp.FileEvent(uri=(root / "pyproject.toml").as_uri(), type=lsp.FileChangeType.Changed)]))
    await diagnostics_for(client, uri, _has_mp101)


# ------------------------------------------------------------------------------------------------
# notebooks under an encoded path (VS Code percent-encodes the notebook and its cell URIs)


class _EncodedNotebook:
    """Builds a notebook like test_notebooks.Notebook, with cell URIs spelled as VS Code does."""

    @staticmethod
    def make(client, folder: Path, cells):
        from test_notebooks import Notebook

        class Encoded(Notebook):
            def _new_cell(self, kind, text, path):
                self.next_id += 1
                uri = "vscode-notebook-cell:" + path.as_uri()[len("file://"):] + f"#W{self.next_id}sZmlsZQ%3D%3D"
                return {"uri": uri, "kind": kind, "text": text, "version": 1}

        folder.mkdir(parents=True, exist_ok=True)
        return Encoded(client, folder, cells)


def test_notebook_structure_changes_with_json_params():
    # Parameters as pygls decodes them from JSON (tuples, not lists), under an encoded path.
    from lsprotocol import converters
    from pygls.workspace import Workspace

    from mpguard.lsp.documents import adopt_workspace

    conv = converters.get_converter()
    ws = adopt_workspace(Workspace("file:///c%3A/my%20project"))

    class Client:
        def notebook_document_did_open(self, p):
            ws.put_notebook_document(conv.structure(conv.unstructure(p), type(p)))

        def notebook_document_did_change(self, p):
            ws.update_notebook_document(conv.structure(conv.unstructure(p), type(p)))

    nb = _EncodedNotebook.make(Client(), Path("/tmp/mpguard-uris/caf\u00e9 nb"), [("code", "x = 1\n"), ("code", "y = 2\n")])
    nb.open()
    nb.insert_cell(1, "code", "z = 3\n")
    nb.set_text(2, "y = 22\n")
    doc = ws.get_notebook_document(notebook_uri=nb.uri)
    assert [c.document for c in doc.cells] == [nb.uri_of(0), nb.uri_of(1), nb.uri_of(2)]
    assert "%C3%A9%20nb" in nb.uri_of(1)
    assert [ws.text_documents[c.document].source for c in doc.cells] == ["x = 1\n", "z = 3\n", "y = 22\n"]
    assert ws.get_notebook_document(cell_uri=nb.uri_of(1)) is doc


async def test_notebook_under_an_encoded_path(client: LanguageClient, tmp_path):
    from test_notebooks import IMPORTS, MAIN, SQUARE

    nb = _EncodedNotebook.make(client, tmp_path / "my project é", [("code", IMPORTS), ("code", SQUARE), ("code", MAIN)])
    nb.open()
    has_mp204 = lambda ds: any(d.code == "MP204" for d in ds)  # noqa: E731
    diags = await diagnostics_for(client, nb.uri_of(2), has_mp204)
    d = next(d for d in diags if d.code == "MP204")
    assert d.related_information[0].location.uri == nb.uri_of(1)
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=nb.uri_of(2)), position=d.range.start))
    assert hover is not None and "MP204" in hover.contents.value
    nb.insert_cell(0, "code", "import os\n")
    assert len(await diagnostics_for(client, nb.uri_of(0))) == 0  # the new cell is analysed too
    assert has_mp204(client.diagnostics[nb.uri_of(3)])
    nb.close()
    await diagnostics_for(client, nb.uri_of(3), lambda ds: len(ds) == 0)
