"""LSP notebook documents (VS Code ``.ipynb``): all code cells are analysed as one module.

pygls keeps the notebook (``workspace.notebook_documents``) and one text document per cell
(``workspace.text_documents``, cell URIs such as ``vscode-notebook-cell:...#W1sZmlsZQ==``) up to
date through its built-in ``notebookDocument/didOpen|didChange|didClose`` handlers; this module
adds the mpguard behaviour on top:

* a notebook is linted by the scheduler's one lifecycle (lsp/scheduler.py: debounce, ``enable``,
  size limit, prefilter, analysis thread (a child process for a huge module), stale results
  dropped, last good findings kept while it does not parse, the type-aware lane, publish);
  :class:`NotebookTarget` is what is particular to a notebook, and its :class:`NotebookState` is
  a ``DocState``;
* the Python code cells are joined in notebook order with :class:`mpguard.notebook.NotebookSource`
  (markdown/raw cells are skipped, IPython magics become comments) and analysed under a path that
  ends with ``.ipynb`` (so notebook-only rules such as MP204 apply);
* each finding is pushed (``textDocument/publishDiagnostics``, to pull clients too: VS Code's
  vscode-languageclient 9 never pulls cells) on its *cell* URI with a range relative to the cell
  (utf-16 or the negotiated encoding, via :class:`mpguard.lsp.convert.LineIndex` on the cell's own
  text); every code cell gets a list, empty ones too, so stale findings clear; a deleted cell is
  cleared; closing the notebook clears all; while the module does not parse, a cell unchanged
  since the last good analysis keeps its findings;
* code actions on a cell map the requested range into the module, build the same actions as for a
  file (:func:`mpguard.lsp.actions.collect_actions`) and map every edit back to its cell. An action
  with an edit that cannot be placed in one cell (it spans cells, or falls between them) is not
  offered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp

from mpguard.findings import Finding, Position, Range, TextEdit
from mpguard.lsp.convert import SOURCE, LineIndex, diagnostic_field, finding_to_diagnostic
from mpguard.lsp.doc_state import DocState
from mpguard.lsp.documents import KeyedDict
from mpguard.lsp.requests import MAX_CHARS_FOR_REQUEST_ANALYSIS
from mpguard.notebook import NotebookSource

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.engine import Analysis
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")

PYTHON_LANGUAGES = {"python", ""}


def sync_options() -> lsp.NotebookDocumentSyncOptions:
    """The ``notebookDocumentSync`` capability: Jupyter notebooks, Python cells."""
    return lsp.NotebookDocumentSyncOptions(
        notebook_selector=[
            lsp.NotebookDocumentFilterWithNotebook(
                notebook=lsp.NotebookDocumentFilterNotebookType(notebook_type="jupyter-notebook"),
                cells=[lsp.NotebookCellLanguage(language="python")],
            )
        ],
        save=True,
    )


# ------------------------------------------------------------------------------------------------
# views: a notebook at one moment


@dataclass
class CellDoc:
    uri: str
    text: str
    version: Optional[int]


@dataclass
class NotebookView:
    """The code cells of a notebook at one moment, and their module (a lint_target.View)."""

    notebook_uri: str
    cells: list[CellDoc]  # code cells, in order; NotebookSource cell index = position + 1
    source: NotebookSource
    path: str  # analysis path (ends with .ipynb)
    version: Optional[int] = None  # the notebook's
    _indexes: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return tuple((c.uri, c.version, c.text) for c in self.cells)

    @property
    def text(self) -> str:
        return self.source.text

    def cell_number(self, uri: str) -> Optional[int]:
        for i, c in enumerate(self.cells, start=1):
            if c.uri == uri:
                return i
        return None

    def index(self, number: int, codec: Any) -> LineIndex:
        idx = self._indexes.get(number)
        if idx is None:
            idx = self._indexes[number] = LineIndex(self.cells[number - 1].text, codec)
        return idx


def analysis_path(notebook_uri: str, fs_path: Optional[str]) -> str:
    """A path for the engine that ends with ``.ipynb`` (the notebook's file when it has one)."""
    path = fs_path or unquote(urlparse(notebook_uri).path) or "notebook.ipynb"
    if not path.lower().endswith(".ipynb"):
        path += ".ipynb"
    return path


class _CellToModule:
    """Stands in for a LineIndex in :func:`collect_actions`: client positions of one cell ->
    engine positions of the module."""

    def __init__(self, view: NotebookView, number: int, index: LineIndex) -> None:
        self.view, self.number, self.index = view, number, index

    def from_client(self, pos: lsp.Position) -> Position:
        p = self.index.from_client(pos)
        return Position(self.view.source.from_cell(self.number, p.line), p.column)

    def range_from_client(self, rng: lsp.Range) -> Range:
        return Range(self.from_client(rng.start), self.from_client(rng.end))


# ------------------------------------------------------------------------------------------------
# per-notebook state, and the notebook as a lint target (lsp/lint_target.py)


@dataclass
class NotebookState(DocState):
    """A notebook's DocState: the scheduler composes and publishes its cells' diagnostics as one
    list (each on its cell's URI); what only a notebook needs is below."""

    view: Optional[NotebookView] = None  # what `analysis` analysed
    good_view: Optional[NotebookView] = None  # what `good` was found in
    slow_view: Optional[NotebookView] = None  # what `slow` (type-aware) was found in
    published: list[str] = field(default_factory=list)  # cell URIs that got a list last time

    def debug_entry(self) -> dict:
        return {**super().debug_entry(), "notebook": True}


def _in_unchanged_cells(diagnostics: list[lsp.Diagnostic], then: Optional[NotebookView],
                        now: NotebookView) -> list[lsp.Diagnostic]:
    """The `diagnostics` found in `then` that are on a cell whose text `now` still has (a cell's
    diagnostics cannot be moved through edits the way a file's are)."""
    if then is None:
        return []
    before = {c.uri: c.text for c in then.cells}
    unchanged = {c.uri for c in now.cells if before.get(c.uri) == c.text}
    return [d for d in diagnostics if diagnostic_field(d, "uri") in unchanged]


class NotebookTarget:
    """A notebook for the scheduler: all its code cells are one module; findings land on their
    cells; every code cell gets a list (empty ones too, so stale findings clear)."""

    # A huge module is analysed in a child process, as a huge file is (lsp/isolated.py): its
    # findings come back without fixes, so its quick fixes wait until it is smaller again.
    isolate = True

    def __init__(self, support: "NotebookSupport", st: NotebookState) -> None:
        self.support, self.uri = support, st.uri  # as it was opened

    def state(self) -> Optional[NotebookState]:
        return self.support.states.get(self.uri)

    def view(self) -> Optional[NotebookView]:
        return self.support.view_of(self.uri)

    def holds(self, view: NotebookView) -> bool:
        now = self.support.view_of(self.uri)
        return now is not None and now.key == view.key

    def config_path(self) -> Optional[str]:
        return self.support.config_path(self.uri)

    def diagnostics(self, findings: list[Finding], view: NotebookView) -> list[lsp.Diagnostic]:
        if not view.cells:
            return []
        return [self.support.to_cell_diagnostic(f, view)[1] for f in findings]

    def installed(self, st: NotebookState, analysis: "Analysis", view: NotebookView) -> None:
        st.analysis, st.view = analysis, view
        if analysis.parsed:
            st.good_view = view

    def still_valid(self, st: NotebookState, view: NotebookView) -> list[lsp.Diagnostic]:
        return _in_unchanged_cells(st.good, st.good_view, view)

    def slow_found(self, st: NotebookState, view: NotebookView) -> None:
        st.slow_view = view

    def slow_still_valid(self, st: NotebookState, view: NotebookView) -> list[lsp.Diagnostic]:
        return _in_unchanged_cells(st.slow, st.slow_view, view)

    def inside(self, diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
        return diagnostics  # all of the view just analysed, or of cells unchanged since

    def send(self, st: NotebookState, view: NotebookView) -> None:
        # Always pushed, pull clients included: vscode-languageclient 9 never pulls notebook cells
        # (microsoft/vscode-languageserver-node#1464), so a pull-only cell would never show.
        per_cell: dict[str, list[lsp.Diagnostic]] = {c.uri: [] for c in view.cells}
        for d in st.current:
            cell = diagnostic_field(d, "uri")
            if cell in per_cell:
                per_cell[cell].append(d)
        stale = [uri for uri in st.published if uri not in per_cell]  # cells deleted since
        st.published = list(per_cell)
        push = self.support.ls.text_document_publish_diagnostics
        for uri in stale:
            push(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        versions = {c.uri: c.version for c in view.cells}
        for uri, diags in per_cell.items():
            push(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=versions[uri]))


class NotebookSupport:
    def __init__(self, server: "MpguardServer") -> None:
        self.ls = server
        self.states: dict[str, NotebookState] = KeyedDict()  # any spelling of the notebook URI

    # -------------------------------------------------------------- lookups
    def target(self, uri: str) -> Optional[NotebookTarget]:
        """The open notebook `uri` as a lint target (None: not an open notebook)."""
        st = self.states.get(uri)
        return None if st is None else NotebookTarget(self, st)

    def notebook_uri_of_cell(self, cell_uri: str) -> Optional[str]:
        try:
            nb = self.ls.workspace.get_notebook_document(cell_uri=cell_uri)
        except Exception:  # noqa: BLE001 - no workspace before initialize
            return None
        return None if nb is None else nb.uri

    def is_cell(self, uri: str) -> bool:
        return self.notebook_uri_of_cell(uri) is not None

    def diagnostics_of(self, cell_uri: str) -> list[lsp.Diagnostic]:
        """The diagnostics last published on a cell."""
        nb_uri = self.notebook_uri_of_cell(cell_uri)
        st = self.states.get(nb_uri) if nb_uri else None
        return [d for d in st.current if diagnostic_field(d, "uri") == cell_uri] if st else []

    def view_of(self, nb_uri: str) -> Optional[NotebookView]:
        ws = self.ls.workspace
        nb = ws.get_notebook_document(notebook_uri=nb_uri)
        if nb is None:
            return None
        cells: list[CellDoc] = []
        for cell in nb.cells:
            if cell.kind != lsp.NotebookCellKind.Code:
                continue
            doc = ws.text_documents.get(cell.document)  # keyed by mpguard.lsp.documents
            if doc is None:
                continue
            if (doc.language_id or "").lower() not in PYTHON_LANGUAGES:
                continue
            cells.append(CellDoc(cell.document, doc.source, doc.version))
        path = analysis_path(nb_uri, self.ls.path_of(nb_uri))
        source = NotebookSource.from_cells([(c.uri, c.text) for c in cells], path)
        return NotebookView(nb_uri, cells, source, path, nb.version)

    def config_path(self, nb_uri: str) -> Optional[str]:
        return self.ls.path_of(nb_uri)  # pyproject.toml lookup only for notebooks on disk

    # -------------------------------------------------------------- open, close (the scheduler lints)
    def open(self, nb_uri: str) -> None:
        if nb_uri not in self.states:
            self.states[nb_uri] = NotebookState(nb_uri)
        self.ls.scheduler.schedule(nb_uri, 0)

    def cancel_all(self) -> None:
        for st in self.states.values():
            if st.task is not None and not st.task.done():
                st.task.cancel()

    def close(self, nb_uri: str, cell_uris: list[str]) -> None:
        st = self.states.pop(nb_uri, None)
        uris = list(dict.fromkeys(list(cell_uris) + (list(st.published) if st else [])))
        if st is not None and st.task is not None and not st.task.done():
            st.task.cancel()
        for uri in uris:  # pushed to every client (see NotebookTarget.send)
            self.ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def to_cell_diagnostic(self, finding: Finding, view: NotebookView) -> tuple[str, lsp.Diagnostic]:
        codec = self.ls.codec
        related_ok = self.ls.supports_related()
        number, rng = view.source.range_to_cell(finding.range)
        cell = view.cells[number - 1]
        local = dataclasses.replace(finding, range=rng, related=[])
        diag = finding_to_diagnostic(local, view.index(number, codec), cell.uri, cell.version, related_ok)
        if related_ok and finding.related:
            info = []
            for r in finding.related:
                rnum, rrng = view.source.range_to_cell(r.range)
                info.append(
                    lsp.DiagnosticRelatedInformation(
                        location=lsp.Location(
                            uri=view.cells[rnum - 1].uri,
                            range=view.index(rnum, codec).range_to_client(rrng),
                        ),
                        message=r.message,
                    )
                )
            diag.related_information = info
        return cell.uri, diag

    # -------------------------------------------------------------- analysis for requests
    async def analysis_for_current(self, nb_uri: str) -> tuple[Optional["Analysis"], Optional[NotebookView]]:
        """The analysis of the notebook as it is now: the last one when nothing changed since,
        else one on the analysis thread."""
        target = self.target(nb_uri)
        st = target.state() if target is not None else None
        view = self.view_of(nb_uri)
        if target is None or st is None or view is None:
            return None, None
        if st.analysis is not None and st.view is not None and st.view.key == view.key:
            return st.analysis, st.view
        if len(view.text) > MAX_CHARS_FOR_REQUEST_ANALYSIS:
            return None, view  # (in this process it would hold the GIL for seconds: see lsp/requests.py)
        scheduler = self.ls.scheduler
        frozen = scheduler.snapshot(target, st, view, self.ls.settings_for(nb_uri))
        return await scheduler.run_analysis(st, frozen, isolate=False), view

    # -------------------------------------------------------------- edits
    def map_edits(self, view: NotebookView, edits: list[TextEdit]) -> Optional[dict[str, list[lsp.TextEdit]]]:
        """Module edits -> client edits per cell URI, or None when one cannot be placed in a cell."""
        out: dict[str, list[lsp.TextEdit]] = {}
        for e in edits:
            mapped = self._map_edit(view, e)
            if mapped is None:
                return None
            uri, te = mapped
            out.setdefault(uri, []).append(te)
        return out

    def _cell_position(self, view: NotebookView, pos: Position) -> Optional[tuple[int, Position]]:
        number, line = view.source.to_cell(pos.line)
        if not 1 <= number <= len(view.cells):
            return None
        cell = view.source.cell(number)
        index = view.index(number, self.ls.codec)
        if not 1 <= line <= len(index.lines):
            return None
        cell_line = index.lines[line - 1]
        module_line = _module_line(view.text, pos.line)
        if line <= cell.line_count and module_line != cell_line:
            return None  # an IPython line commented out in the module: columns differ
        if pos.column > len(cell_line):
            return None
        return number, Position(line, pos.column)

    def _map_edit(self, view: NotebookView, e: TextEdit) -> Optional[tuple[str, lsp.TextEdit]]:
        start = self._cell_position(view, e.range.start)
        end = self._cell_position(view, e.range.end)
        if start is None and e.range.start == e.range.end and e.new_text.endswith("\n"):
            # A whole-lines insertion on the blank separator line after a cell without a final
            # newline: the same module (up to a blank line) when it goes to the next cell's top.
            number, _ = view.source.to_cell(e.range.start.line)
            cell = view.source.cell(number) if 1 <= number <= len(view.cells) else None
            if cell is not None and e.range.start.line == cell.start_line + cell.line_count \
                    and e.range.start.column == 0 and number < len(view.cells):
                start = end = (number + 1, Position(1, 0))
        if start is None or end is None or start[0] != end[0]:
            return None
        number = start[0]
        index = view.index(number, self.ls.codec)
        rng = lsp.Range(start=index.to_client(start[1].line, start[1].column),
                        end=index.to_client(end[1].line, end[1].column))
        return view.cells[number - 1].uri, lsp.TextEdit(range=rng, new_text=e.new_text)

    def workspace_edit(self, view: NotebookView, per_cell: dict[str, list[lsp.TextEdit]]) -> lsp.WorkspaceEdit:
        versions = {c.uri: c.version for c in view.cells}
        if self.ls.supports_document_changes():
            return lsp.WorkspaceEdit(
                document_changes=[
                    lsp.TextDocumentEdit(
                        text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions.get(uri)),
                        edits=edits,
                    )
                    for uri, edits in per_cell.items()
                ]
            )
        return lsp.WorkspaceEdit(changes=dict(per_cell))

    # -------------------------------------------------------------- code actions
    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        from mpguard.lsp.actions import collect_actions, is_noop

        ls = self.ls
        cell_uri = params.text_document.uri
        nb_uri = self.notebook_uri_of_cell(cell_uri)
        if nb_uri is None:
            return []
        settings = ls.settings_for(nb_uri)
        if not settings.enable:
            return []
        analysis, view = await self.analysis_for_current(nb_uri)
        if analysis is None or view is None:
            return []
        number = view.cell_number(cell_uri)
        if number is None:
            return []  # a markdown cell, or a cell of another language
        index = view.index(number, ls.codec)
        adapter = _CellToModule(view, number, index)
        req = adapter.range_from_client(params.range)
        if req.end < req.start:
            req = Range(req.start, req.start)
        only = list(params.context.only) if params.context and params.context.only else None
        context_diags = list(params.context.diagnostics or []) if params.context else []
        config = ls.config_for_doc(self.config_path(nb_uri), settings)
        text, path = view.text, view.path

        def build() -> list:
            specs = collect_actions(analysis, text, req, only, context_diags, adapter, path, config, settings)  # type: ignore[arg-type]
            out = []
            for spec in specs:
                edits = spec.edits()
                if not edits or is_noop(edits):
                    continue
                mapped = self.map_edits(view, list(edits))
                if mapped is None:
                    log.info("%s: an edit of %r falls outside one cell; not offered", cell_uri, spec.title)
                    continue
                out.append((spec, mapped))
            return out

        loop = asyncio.get_running_loop()
        built = await loop.run_in_executor(ls.executor, build)
        now = self.view_of(nb_uri)
        if now is None or now.key != view.key:
            return []  # the notebook changed while we computed
        current = [d for d in context_diags if d.source == SOURCE] + self.diagnostics_of(cell_uri)
        actions = []
        for spec, mapped in built:
            diags = None
            if spec.kind == "quickfix" and spec.code:
                line = spec.data.get("line")
                diags = [d for d in current if d.code == spec.code and
                         (line is None or adapter.from_client(d.range.start).line == line)] or None
                if diags is None and spec.finding is not None:
                    uri, d = self.to_cell_diagnostic(spec.finding, view)
                    diags = [d] if uri == cell_uri else None
            actions.append(
                lsp.CodeAction(
                    title=spec.title,
                    kind=spec.kind,
                    diagnostics=diags,
                    is_preferred=True if spec.preferred else None,
                    edit=self.workspace_edit(view, mapped),
                )
            )
        return actions


def _module_line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 1 <= line <= len(lines) else ""


# ------------------------------------------------------------------------------------------------
# handlers


def register(server: "MpguardServer") -> None:
    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    async def on_nb_open(ls: "MpguardServer", params: lsp.DidOpenNotebookDocumentParams) -> None:
        ls.notebooks.open(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    async def on_nb_change(ls: "MpguardServer", params: lsp.DidChangeNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        if uri not in ls.notebooks.states:
            return
        settings = ls.settings_for(uri)
        if settings.run == "onType":
            ls.scheduler.schedule(uri, settings.debounce_ms / 1000)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    async def on_nb_save(ls: "MpguardServer", params: lsp.DidSaveNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        if uri in ls.notebooks.states and ls.settings_for(uri).run == "onSave":
            ls.scheduler.schedule(uri, 0)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def on_nb_close(ls: "MpguardServer", params: lsp.DidCloseNotebookDocumentParams) -> None:
        ls.notebooks.close(params.notebook_document.uri, [c.uri for c in params.cell_text_documents])
