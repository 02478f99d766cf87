"""pytest-lsp tests of notebook documents (LSP 3.17 notebook sync, as VS Code sends for .ipynb):
all code cells are one module, findings and fixes land on the right cell."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import SERVER_CMD, apply_text_edits, debug_stats, diagnostics_for, wait_for

CAPS = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        apply_edit=True,
        workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True),
    ),
    text_document=lsp.TextDocumentClientCapabilities(
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
        hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
    ),
    notebook_document=lsp.NotebookDocumentClientCapabilities(
        synchronization=lsp.NotebookDocumentSyncClientCapabilities()
    ),
)

IMPORTS = "from multiprocessing import Pool\n"
TITLE = "# Squares\n\nA *markdown* cell: not analysed, `with Pool(2) as p: p.map(lambda x: x, [])`.\n"
SQUARE = "def square(x): return x * x"  # no final newline, as Jupyter stores the last line
MAIN = "with Pool(2) as p:\n    print(p.map(square, range(4)))\n"
LAMBDA_MAIN = "with Pool(2) as p:\n    print(p.map(lambda x: x + 1, range(4)))\n"


class _Recording(dict):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.log: list[lsp.PublishDiagnosticsParams] = []

    def __setitem__(self, uri, diagnostics) -> None:
        self.log.append(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        super().__setitem__(uri, diagnostics)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request, tmp_path):
    init = (getattr(request, "param", None) or {}).get("init")  # initializationOptions
    # pytest-lsp stores each publishDiagnostics in `client.diagnostics[uri]`: record them all.
    lsp_client.diagnostics = _Recording(lsp_client.diagnostics)
    lsp_client.published = lsp_client.diagnostics.log  # type: ignore[attr-defined]

    result = await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=CAPS, root_uri=tmp_path.as_uri(), initialization_options=init,
                             workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")])
    )
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


class Notebook:
    """A notebook as VS Code syncs it: cell URIs in the vscode-notebook-cell scheme (quoted)."""

    def __init__(self, client: LanguageClient, tmp_path: Path, cells: list[tuple[str, str]]) -> None:
        self.client = client
        path = tmp_path / "squares.ipynb"
        self.uri = path.as_uri()
        self.version = 0
        self.cells: list[dict] = []
        self.next_id = 0
        for kind, text in cells:
            self.cells.append(self._new_cell(kind, text, path))
        self.path = path

    def _new_cell(self, kind: str, text: str, path: Path) -> dict:
        self.next_id += 1
        uri = f"vscode-notebook-cell:{path.as_posix()}#W{self.next_id}sZmlsZQ%3D%3D"
        return {"uri": uri, "kind": kind, "text": text, "version": 1}

    def uri_of(self, i: int) -> str:
        return self.cells[i]["uri"]

    def text_of(self, i: int) -> str:
        return self.cells[i]["text"]

    def _cell(self, c: dict) -> lsp.NotebookCell:
        kind = lsp.NotebookCellKind.Code if c["kind"] == "code" else lsp.NotebookCellKind.Markup
        return lsp.NotebookCell(kind=kind, document=c["uri"])

    def _item(self, c: dict) -> lsp.TextDocumentItem:
        lang = "python" if c["kind"] == "code" else "markdown"
        return lsp.TextDocumentItem(uri=c["uri"], language_id=lang, version=c["version"], text=c["text"])

    def open(self) -> None:
        self.client.notebook_document_did_open(
            lsp.DidOpenNotebookDocumentParams(
                notebook_document=lsp.NotebookDocument(
                    uri=self.uri, notebook_type="jupyter-notebook", version=self.version,
                    cells=[self._cell(c) for c in self.cells],
                ),
                cell_text_documents=[self._item(c) for c in self.cells],
            )
        )

    def set_text(self, i: int, text: str) -> None:
        """A text content change of one cell (whole-cell replacement range, as an edit would)."""
        c = self.cells[i]
        old = c["text"]
        lines = old.split("\n")
        c["text"], c["version"] = text, c["version"] + 1
        self.version += 1
        self.client.notebook_document_did_change(
            lsp.DidChangeNotebookDocumentParams(
                notebook_document=lsp.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
                change=lsp.NotebookDocumentChangeEvent(
                    cells=lsp.NotebookDocumentCellChanges(
                        text_content=[
                            lsp.NotebookDocumentCellContentChanges(
                                document=lsp.VersionedTextDocumentIdentifier(uri=c["uri"], version=c["version"]),
                                changes=[
                                    lsp.TextDocumentContentChangePartial(
                                        range=lsp.Range(
                                            start=lsp.Position(line=0, character=0),
                                            end=lsp.Position(line=len(lines) - 1, character=len(lines[-1])),
                                        ),
                                        text=text,
                                    )
                                ],
                            )
                        ]
                    )
                ),
            )
        )

    def insert_cell(self, at: int, kind: str, text: str) -> None:
        c = self._new_cell(kind, text, self.path)
        self.cells.insert(at, c)
        self._change_structure(lsp.NotebookDocumentCellChangeStructure(
            array=lsp.NotebookCellArrayChange(start=at, delete_count=0, cells=[self._cell(c)]),
            did_open=[self._item(c)],
        ))

    def delete_cell(self, at: int) -> None:
        c = self.cells.pop(at)
        self._change_structure(lsp.NotebookDocumentCellChangeStructure(
            array=lsp.NotebookCellArrayChange(start=at, delete_count=1),
            did_close=[lsp.TextDocumentIdentifier(uri=c["uri"])],
        ))

    def _change_structure(self, structure: lsp.NotebookDocumentCellChangeStructure) -> None:
        self.version += 1
        self.client.notebook_document_did_change(
            lsp.DidChangeNotebookDocumentParams(
                notebook_document=lsp.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
                change=lsp.NotebookDocumentChangeEvent(cells=lsp.NotebookDocumentCellChanges(structure=structure)),
            )
        )

    def close(self) -> None:
        self.client.notebook_document_did_close(
            lsp.DidCloseNotebookDocumentParams(
                notebook_document=lsp.NotebookDocumentIdentifier(uri=self.uri),
                cell_text_documents=[lsp.TextDocumentIdentifier(uri=c["uri"]) for c in self.cells],
            )
        )


def squares(client, tmp_path, main: str = MAIN) -> Notebook:
    # cell 0: imports, cell 1: markdown, cell 2: the worker, cell 3: the pool
    return Notebook(client, tmp_path, [("code", IMPORTS), ("markdown", TITLE), ("code", SQUARE), ("code", main)])


async def next_publish(client, uri: str, edit) -> list[lsp.Diagnostic]:
    """The first diagnostics published on `uri` after `edit()`."""
    seen = len(client.published)
    edit()
    await wait_for(lambda: any(p.uri == uri for p in client.published[seen:]))
    return next(p.diagnostics for p in client.published[seen:] if p.uri == uri)


def has(code: str):
    return lambda ds: any(d.code == code for d in ds)


def span(d: lsp.Diagnostic) -> tuple:
    return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)


def cell_edits(action: lsp.CodeAction) -> dict[str, list[lsp.TextEdit]]:
    assert action.edit is not None, action.title
    out: dict[str, list[lsp.TextEdit]] = {}
    for dc in action.edit.document_changes or []:
        out.setdefault(dc.text_document.uri, []).extend(dc.edits)
    for uri, edits in (action.edit.changes or {}).items():
        out.setdefault(uri, []).extend(edits)
    return out


async def code_actions(client, uri: str, rng: lsp.Range, diags=()) -> list[lsp.CodeAction]:
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=lsp.CodeActionContext(diagnostics=list(diags)),
        )
    )


# ------------------------------------------------------------------------------------------------


async def test_capability(client: LanguageClient):
    sync = client.init_result.capabilities.notebook_document_sync
    assert sync is not None
    selector = sync.notebook_selector[0]
    assert selector.notebook.notebook_type == "jupyter-notebook"
    assert [c.language for c in selector.cells] == ["python"]


async def test_mp204_on_the_right_cell_line_and_columns(client: LanguageClient, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    diags = await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    mp204 = [d for d in diags if d.code == "MP204"]
    assert len(mp204) == 1
    d = mp204[0]
    line = MAIN.split("\n")[1]
    col = line.index("square")
    assert span(d) == (1, col, 1, col + len("square"))  # cell line 1, not module line 5
    assert d.message == "`square` is defined in a notebook cell, so `Pool.map()` workers cannot import it under `spawn`"
    assert d.data["uri"] == nb.uri_of(3)
    # related information: the def, in *its* cell
    rel = d.related_information[0].location
    assert rel.uri == nb.uri_of(2)
    assert (rel.range.start.line, rel.range.start.character) == (0, SQUARE.index("square"))
    # every code cell got a list (empty ones too); nothing for the notebook or the markdown cell
    await wait_for(lambda: all(nb.uri_of(i) in client.diagnostics for i in (0, 2, 3)))
    assert len(client.diagnostics[nb.uri_of(0)]) == 0 and len(client.diagnostics[nb.uri_of(2)]) == 0
    published = {p.uri for p in client.published}
    assert nb.uri not in published and nb.uri_of(1) not in published
    assert published <= {nb.uri_of(i) for i in (0, 2, 3)}
    # no range anywhere beyond its cell (module line numbers would be 4+)
    for p in client.published:
        for dd in p.diagnostics:
            assert dd.range.end.line < 2, (p.uri, dd)

    # hover on the finding in the cell: the rule's documentation
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=nb.uri_of(3)),
                        position=lsp.Position(line=1, character=col + 1))
    )
    assert hover is not None and "MP204" in hover.contents.value

    # the notebook as a plain .py file is not a notebook: no MP204 (sanity check of the path)
    from mpguard.engine import analyze

    assert not [f for f in analyze(IMPORTS + SQUARE + "\n" + MAIN, "x.py").findings if f.code == "MP204"]


async def test_cell_edits_update_diagnostics(client: LanguageClient, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    # the worker is no longer the notebook's: the finding clears
    nb.set_text(3, "with Pool(2) as p:\n    print(p.map(abs, range(4)))\n")
    await diagnostics_for(client, nb.uri_of(3), lambda ds: not has("MP204")(ds))
    # back, one line lower and after an emoji (utf-16: 2 units)
    nb.set_text(3, "with Pool(2) as p:\n    print('go')\n    print('😀', p.map(square, range(4)))\n")
    diags = await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    d = next(d for d in diags if d.code == "MP204")
    line = nb.text_of(3).split("\n")[2]
    cp = line.index("square")
    assert span(d) == (2, cp + 1, 2, cp + 1 + len("square"))
    # a new code cell above everything shifts the module, not the cell positions
    nb.insert_cell(0, "code", "import os\nprint(os.getpid())\n")
    await wait_for(lambda: nb.uri_of(0) in client.diagnostics)
    diags = await diagnostics_for(client, nb.uri_of(4), has("MP204"))
    assert span(next(d for d in diags if d.code == "MP204")) == (2, cp + 1, 2, cp + 1 + len("square"))


async def test_lambda_fix_edits_the_cell(client: LanguageClient, tmp_path):
    nb = squares(client, tmp_path, LAMBDA_MAIN)
    nb.open()
    diags = await diagnostics_for(client, nb.uri_of(3), has("MP201"))
    d = next(d for d in diags if d.code == "MP201")
    line = LAMBDA_MAIN.split("\n")[1]
    assert (d.range.start.line, d.range.start.character) == (1, line.index("lambda"))

    actions = await code_actions(client, nb.uri_of(3), d.range, [d])
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title.startswith("Replace lambda with module-level function"))
    per_cell = cell_edits(fix)
    assert set(per_cell) == {nb.uri_of(3)}, per_cell  # only the pool's cell is edited
    assert fix.edit.document_changes[0].text_document.version == 1
    fixed = apply_text_edits(LAMBDA_MAIN, per_cell[nb.uri_of(3)])
    assert "def _task(x):" in fixed and "p.map(_task, range(4))" in fixed
    assert fixed.index("def _task") < fixed.index("with Pool(2)")
    compile(IMPORTS + SQUARE + "\n" + fixed, "nb", "exec")
    # the fixed notebook has no MP201 any more
    from mpguard.engine import analyze
    from mpguard.notebook import NotebookSource

    src = NotebookSource.from_cells([("a", IMPORTS), ("b", SQUARE), ("c", fixed)])
    assert not [f for f in analyze(src.text, "x.ipynb").findings if f.code == "MP201"]
    assert fix.diagnostics and fix.diagnostics[0].code == "MP201"

    # "Disable MP201 for this line" edits that line of that cell
    disable = next(a for a in actions if a.title == "Disable MP201 for this line")
    per_cell = cell_edits(disable)
    assert set(per_cell) == {nb.uri_of(3)}
    assert apply_text_edits(LAMBDA_MAIN, per_cell[nb.uri_of(3)]).split("\n")[1] == line + "  # mpguard: ignore[MP201]"
    assert "Disable MP201 for this file" in titles

    # a range in the imports cell offers nothing about the lambda
    elsewhere = await code_actions(client, nb.uri_of(0), lsp.Range(start=lsp.Position(line=0, character=0),
                                                                   end=lsp.Position(line=0, character=4)))
    assert not [a for a in elsewhere if "MP201" in a.title or "lambda" in a.title]
    # the markdown cell: nothing at all
    assert not await code_actions(client, nb.uri_of(1), lsp.Range(start=lsp.Position(line=0, character=0),
                                                                  end=lsp.Position(line=0, character=1)))


async def test_close_clears_every_cell(client: LanguageClient, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    nb.close()
    await diagnostics_for(client, nb.uri_of(3), lambda ds: len(ds) == 0)
    for i in (0, 2, 3):
        assert len(client.diagnostics[nb.uri_of(i)]) == 0


async def test_a_deleted_cell_is_cleared_and_debug_stats_count_the_notebook(client: LanguageClient, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    pool_cell = nb.uri_of(3)
    nb.delete_cell(3)
    await diagnostics_for(client, pool_cell, lambda ds: len(ds) == 0)
    assert [len(p.diagnostics) for p in client.published if p.uri == pool_cell][-1] == 0
    await wait_for(lambda: client.published[-1].uri != pool_cell)  # the remaining cells follow
    stats = await debug_stats(client, nb.uri)
    entry = stats["documents"][nb.uri]
    assert entry["notebook"] is True and entry["diagnostics"] == 0
    assert entry["analyses"] >= 1 and entry["publishedVersions"][-1] == nb.version == 1


async def test_while_the_notebook_does_not_parse_unchanged_cells_keep_their_findings(client, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    before = await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    nb.set_text(2, "def square(x) return x * x")  # the worker's cell no longer parses
    broken = await diagnostics_for(client, nb.uri_of(2), has("MP000"))
    assert [(d.code, d.severity) for d in broken] == [("MP000", lsp.DiagnosticSeverity.Error)]
    assert [span(d) for d in client.diagnostics[nb.uri_of(3)]] == [span(d) for d in before]  # unchanged: kept
    # the pool's cell itself changes and does not parse: its old finding goes, its error shows
    nb.set_text(2, SQUARE)
    nb.set_text(3, "with Pool(2) as p\n    print(p.map(square, range(4)))\n")
    await diagnostics_for(client, nb.uri_of(3), lambda ds: codes_of(ds) == ["MP000"])
    assert not client.diagnostics[nb.uri_of(2)]


@pytest.mark.parametrize("client", [{"init": {"maxFileSizeKb": 1}}], indirect=True)
async def test_a_notebook_over_the_size_limit_gets_one_notice_on_its_first_code_cell(client, tmp_path):
    from mpguard.notebook import NotebookSource
    from mpguard.size_limit import size_notice

    padding = "# padding\n" * 120
    nb = Notebook(client, tmp_path, [("markdown", TITLE), ("code", IMPORTS), ("code", SQUARE), ("code", MAIN),
                                     ("code", padding)])
    nb.open()
    module = NotebookSource.from_cells([(c["uri"], c["text"]) for c in nb.cells if c["kind"] == "code"]).text
    notice = size_notice(len(module.encode()), 1, "maxFileSizeKb")
    diags = await diagnostics_for(client, nb.uri_of(1), lambda ds: len(ds) > 0)
    assert [(d.code, d.severity, d.message, span(d)) for d in diags] == [
        ("MP000", lsp.DiagnosticSeverity.Information, notice, (0, 0, 0, 0))]
    await wait_for(lambda: all(nb.uri_of(i) in client.diagnostics for i in (2, 3, 4)))
    assert [len(client.diagnostics[nb.uri_of(i)]) for i in (2, 3, 4)] == [0, 0, 0]
    assert nb.uri_of(0) not in client.diagnostics  # the markdown cell
    stats = await debug_stats(client, nb.uri)
    assert stats["documents"][nb.uri]["analyses"] == 0
    assert list(await code_actions(client, nb.uri_of(1), diags[0].range, diags) or []) == []
    # under the limit again: analysed, and the notice clears
    nb.set_text(4, "")
    await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    assert not client.diagnostics[nb.uri_of(1)]


@pytest.mark.parametrize("client", [{"init": {"codeAction": {"disableRuleComment": {"enable": False}}}}],
                         indirect=True)
async def test_a_cell_offers_only_the_code_actions_the_settings_leave_on(client, tmp_path):
    nb = squares(client, tmp_path, LAMBDA_MAIN)
    nb.open()
    diags = await diagnostics_for(client, nb.uri_of(3), has("MP201"))
    d = next(d for d in diags if d.code == "MP201")
    titles = [a.title for a in await code_actions(client, nb.uri_of(3), d.range, [d])]
    assert any(t.startswith("Replace lambda with module-level function") for t in titles), titles
    assert not [t for t in titles if t.startswith("Disable ")], titles


async def test_a_huge_notebook_is_analysed_in_a_child_process(client, tmp_path):
    # 260,000 characters of code: in the server's process libcst would hold the GIL for seconds
    # (lsp/isolated.py), so the notebook goes to a child process, as a file of that size does.
    nb = Notebook(client, tmp_path, [
        ("code", "from multiprocessing import Pool\n" + "x = 1\n" * 43_000),
        ("code", 'if __name__ == "__main__":\n' + "".join("    " + line + "\n" for line in LAMBDA_MAIN.splitlines())),
    ])
    nb.open()
    diags = await diagnostics_for(client, nb.uri_of(1), has("MP201"), timeout=120)
    d = next(d for d in diags if d.code == "MP201")
    assert span(d)[:2] == (2, LAMBDA_MAIN.split("\n")[1].index("lambda") + 4)
    stats = await debug_stats(client, nb.uri)
    assert stats["isolatedAnalyses"] == 1
    assert stats["documents"][nb.uri]["incrementalAnalyses"] == 0
    # The child's findings carry no fixes: the cell still offers the suppressions.
    titles = [a.title for a in await code_actions(client, nb.uri_of(1), d.range, [d])]
    assert titles == ["Disable MP201 for this line", "Disable MP201 for this file"], titles


TYPE_AWARE = {"typeAwareDelayMs": 0, "typeAwareBudgetMs": 60000}
WORKER_CELL = 'if __name__ == "__main__":\n    with Pool(2) as p:\n        print(p.map(work, [1, 2]))'


@pytest.mark.parametrize("client", [{"init": TYPE_AWARE}], indirect=True)
async def test_type_aware_findings_land_on_their_cell_and_leave_it_when_it_changes(client, tmp_path):
    # `work` is a lambda in another module of the project: only jedi can tell (MP201, type-aware).
    (tmp_path / "helpers.py").write_text("work = lambda x: x  # noqa: E731\n")
    nb = Notebook(client, tmp_path, [
        ("code", "from multiprocessing import Pool\nfrom helpers import work"),
        ("markdown", "# squares"),
        ("code", WORKER_CELL),
    ])
    nb.open()
    diags = await diagnostics_for(client, nb.uri_of(2), has("MP201"), timeout=120)
    d = next(d for d in diags if d.code == "MP201")
    assert span(d) == (2, 20, 2, 24)  # `work` in the cell, cell-relative
    assert "helpers.py:1" in d.message
    assert not client.diagnostics[nb.uri_of(0)]
    # An edit of another cell keeps it (its cell did not change) ...
    first = await next_publish(client, nb.uri_of(2), lambda: nb.set_text(0, "from multiprocessing import Pool\n"
                                                                         "from helpers import work  # the worker"))
    assert [span(d) for d in first if d.code == "MP201"] == [(2, 20, 2, 24)]
    # ... an edit of its own cell drops it until the type-aware lane has looked again.
    first = await next_publish(client, nb.uri_of(2), lambda: nb.set_text(2, "# run\n" + WORKER_CELL))
    assert not [d for d in first if d.code == "MP201"], first
    diags = await diagnostics_for(client, nb.uri_of(2), has("MP201"), timeout=120)
    assert [span(d) for d in diags if d.code == "MP201"] == [(3, 20, 3, 24)]


@pytest.mark.parametrize("client", [{"init": {"enable": False}}], indirect=True)
async def test_a_disabled_server_publishes_an_empty_list_for_every_code_cell(client, tmp_path):
    nb = squares(client, tmp_path)
    nb.open()
    await wait_for(lambda: all(nb.uri_of(i) in client.diagnostics for i in (0, 2, 3)))
    assert [len(client.diagnostics[nb.uri_of(i)]) for i in (0, 2, 3)] == [0, 0, 0]
    assert (await debug_stats(client, nb.uri))["documents"][nb.uri]["analyses"] == 0


async def test_a_notebook_without_a_process_api_gets_empty_lists_until_it_imports_one(client, tmp_path):
    nb = Notebook(client, tmp_path, [("code", "import os\n"), ("code", "print(os.getpid())\n")])
    nb.open()
    await wait_for(lambda: all(nb.uri_of(i) in client.diagnostics for i in (0, 1)))
    assert [len(client.diagnostics[nb.uri_of(i)]) for i in (0, 1)] == [0, 0]
    entry = (await debug_stats(client, nb.uri))["documents"][nb.uri]
    assert (entry["analyses"], entry["incrementalAnalyses"]) == (1, 0)
    nb.set_text(0, IMPORTS)  # now it imports one: the lambda given to the pool is found
    nb.set_text(1, LAMBDA_MAIN)
    diags = await diagnostics_for(client, nb.uri_of(1), has("MP201"))
    assert codes_of(diags) == ["MP201"]


def codes_of(diags) -> list[str]:
    return [str(d.code) for d in diags]


# ------------------------------------------------------------------------------------------------
# edit mapping (no server)


def test_edits_that_cannot_be_placed_in_one_cell_are_refused():
    from pygls.workspace import PositionCodec

    from mpguard.findings import Position, Range, TextEdit
    from mpguard.lsp.notebooks import CellDoc, NotebookSupport, NotebookView
    from mpguard.notebook import NotebookSource

    class FakeServer:
        codec = PositionCodec()

    cells = [CellDoc("c1", IMPORTS, 1), CellDoc("c2", SQUARE, 1), CellDoc("c3", "%time x = 1\ny = 2\n", 1)]
    src = NotebookSource.from_cells([(c.uri, c.text) for c in cells], "n.ipynb")
    snap = NotebookView("nb", cells, src, "n.ipynb")
    support = NotebookSupport(FakeServer())  # type: ignore[arg-type]
    # module: 1 import | 2 sep | 3 def | 4 sep | 5 "# %time x = 1" | 6 y = 2 | 7 sep
    ok = support.map_edits(snap, [TextEdit(Range.of(3, 4, 3, 10), "cube"), TextEdit(Range.of(6, 0, 6, 1), "z")])
    assert ok is not None and set(ok) == {"c2", "c3"}
    assert ok["c3"][0].range.start.line == 1
    # spans two cells
    assert support.map_edits(snap, [TextEdit(Range.of(1, 0, 3, 0), "")]) is None
    # text (not whole lines) into the gap after a cell without a final newline
    assert support.map_edits(snap, [TextEdit(Range(Position(4, 0), Position(4, 0)), "x = 1")]) is None
    # whole lines into that gap go to the top of the next cell
    moved = support.map_edits(snap, [TextEdit(Range(Position(4, 0), Position(4, 0)), "x = 1\n")])
    assert moved is not None and set(moved) == {"c3"} and moved["c3"][0].range.start.line == 0
    # a line that is an IPython magic in the cell (commented out in the module): columns differ
    assert support.map_edits(snap, [TextEdit(Range.of(5, 2, 5, 7), "%timeit")]) is None
    # past the end of the last cell
    assert support.map_edits(snap, [TextEdit(Range.of(9, 0, 9, 0), "x\n")]) is None


# ------------------------------------------------------------------------------------------------
# pull diagnostics (clients with textDocument/diagnostic): cells are still pushed, because
# vscode-languageclient 9 never pulls notebook cells (vscode-languageserver-node#1464); a pull on a
# cell gets an empty report (no duplicates with clients that do pull cells)

PULL_CAPS = lsp.ClientCapabilities(
    workspace=CAPS.workspace,
    text_document=lsp.TextDocumentClientCapabilities(
        diagnostic=lsp.DiagnosticClientCapabilities(),
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True),
    ),
    notebook_document=CAPS.notebook_document,
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def pull_client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=PULL_CAPS, root_uri=tmp_path.as_uri(),
                             workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")])
    )
    yield
    await lsp_client.shutdown_session()


async def test_cells_pushed_to_a_pull_client(pull_client: LanguageClient, tmp_path):
    client = pull_client
    nb = squares(client, tmp_path)
    nb.open()

    async def pull(i: int):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=nb.uri_of(i)))
        )
        return list(report.items)

    items = await diagnostics_for(client, nb.uri_of(3), has("MP204"))
    assert [d.code for d in items] == ["MP204"] and items[0].range.start.line == 1
    await wait_for(lambda: all(nb.uri_of(i) in client.diagnostics for i in (0, 2)))
    assert not client.diagnostics[nb.uri_of(0)] and not client.diagnostics[nb.uri_of(2)]
    assert await pull(3) == [] and await pull(2) == [] and await pull(0) == []
