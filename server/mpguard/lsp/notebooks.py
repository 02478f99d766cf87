"""LSP notebook documents (VS Code ``.ipynb``): all code cells are analysed as one module.

pygls keeps the notebook (``workspace.notebook_documents``) and one text document per cell
(``workspace.text_documents``, cell URIs such as ``vscode-notebook-cell:...#W1sZmlsZQ==``) up to
date through its built-in ``notebookDocument/didOpen|didChange|didClose`` handlers; this module
adds the mpguard behaviour on top:

* the Python code cells are joined in notebook order with :class:`mpguard.notebook.NotebookSource`
  (markdown/raw cells are skipped, IPython magics become comments) and analysed under a path that
  ends with ``.ipynb`` (so notebook-only rules such as MP204 apply);
* each finding is pushed (``textDocument/publishDiagnostics``, to pull clients too: VS Code's
  vscode-languageclient 9 never pulls cells) on its *cell* URI with a range relative to the cell (utf-16 or the
  negotiated encoding, via :class:`mpguard.lsp.convert.LineIndex` on the cell's own text); every
  code cell gets a list, empty ones too, so stale findings clear; closing the notebook clears all;
* code actions on a cell map the requested range into the module, build the same actions as for a
  file (:func:`mpguard.lsp.server.collect_actions`) and map every edit back to its cell. An action
  with an edit that cannot be placed in one cell (it spans cells, or falls between them) is not
  offered;
* analysis reuses the server's single analysis thread, debounce and "latest snapshot only" rule:
  one pending lint per notebook URI, and results are published only when the cells' texts and
  versions still equal the analysed snapshot.
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
from mpguard.lsp.convert import SOURCE, LineIndex, finding_to_diagnostic
from mpguard.lsp.documents import KeyedDict
from mpguard.notebook import NotebookSource

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.engine import Analysis
    from mpguard.lsp.server import DocState, MpguardServer

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
# snapshots


@dataclass
class CellDoc:
    uri: str
    text: str
    version: Optional[int]


@dataclass
class Snapshot:
    """The code cells of a notebook at one moment, and their module."""

    notebook_uri: str
    cells: list[CellDoc]  # code cells, in order; NotebookSource cell index = position + 1
    source: NotebookSource
    path: str  # analysis path (ends with .ipynb)
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

    def __init__(self, snap: Snapshot, number: int, index: LineIndex) -> None:
        self.snap, self.number, self.index = snap, number, index

    def from_client(self, pos: lsp.Position) -> Position:
        p = self.index.from_client(pos)
        return Position(self.snap.source.from_cell(self.number, p.line), p.column)

    def range_from_client(self, rng: lsp.Range) -> Range:
        return Range(self.from_client(rng.start), self.from_client(rng.end))


# ------------------------------------------------------------------------------------------------
# per-notebook state


@dataclass
class NotebookState:
    uri: str
    stats: "DocState"  # analysis counters (mpguard/debugStats), kept by the scheduler
    task: Optional[asyncio.Task] = None
    analysis: Optional["Analysis"] = None
    snapshot: Optional[Snapshot] = None  # what `analysis` analysed
    good: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)  # cell uri -> last parsed
    good_texts: dict[str, str] = field(default_factory=dict)  # cell uri -> its text then
    current: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)  # published, per cell
    result_id: int = 0


class NotebookSupport:
    def __init__(self, server: "MpguardServer") -> None:
        self.ls = server
        self.states: dict[str, NotebookState] = KeyedDict()  # any spelling of the notebook URI

    # -------------------------------------------------------------- lookups
    def notebook_uri_of_cell(self, cell_uri: str) -> Optional[str]:
        try:
            nb = self.ls.workspace.get_notebook_document(cell_uri=cell_uri)
        except Exception:  # noqa: BLE001 - no workspace before initialize
            return None
        return None if nb is None else nb.uri

    def is_cell(self, uri: str) -> bool:
        return self.notebook_uri_of_cell(uri) is not None

    def diagnostics_of(self, cell_uri: str) -> list[lsp.Diagnostic]:
        nb_uri = self.notebook_uri_of_cell(cell_uri)
        st = self.states.get(nb_uri) if nb_uri else None
        return list(st.current.get(cell_uri, [])) if st else []

    def snapshot(self, nb_uri: str) -> Optional[Snapshot]:
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
        return Snapshot(nb_uri, cells, source, path)

    def config_path(self, nb_uri: str) -> Optional[str]:
        return self.ls.path_of(nb_uri)  # pyproject.toml lookup only for notebooks on disk

    # -------------------------------------------------------------- lint scheduling
    def open(self, nb_uri: str) -> None:
        from mpguard.lsp.server import DocState

        if nb_uri not in self.states:
            self.states[nb_uri] = NotebookState(nb_uri, DocState(nb_uri))
        self.schedule(nb_uri, 0)

    def schedule(self, nb_uri: str, delay: float) -> None:
        st = self.states.get(nb_uri)
        if st is None:
            return
        if st.task is not None and not st.task.done():
            st.task.cancel()
        st.task = asyncio.ensure_future(self._lint(nb_uri, delay))

    def relint_all(self) -> None:
        for st in list(self.states.values()):
            self.schedule(st.uri, 0)

    def cancel_all(self) -> None:
        for st in self.states.values():
            if st.task is not None and not st.task.done():
                st.task.cancel()

    async def _analyze(self, st: NotebookState, snap: Snapshot) -> "Analysis":
        from mpguard.lsp.scheduler import Snapshot as AnalysisSnapshot

        ls = self.ls
        settings = ls.settings_for(st.uri)
        config = ls.config_for_doc(self.config_path(st.uri), settings)
        frozen = AnalysisSnapshot(st.uri, self._version(st.uri), snap.text, snap.path, config, st.stats.base)
        return await ls.scheduler.run_analysis(st.stats, frozen, isolate=False)  # type: ignore[return-value]

    def _version(self, nb_uri: str) -> Optional[int]:
        nb = self.ls.workspace.get_notebook_document(notebook_uri=nb_uri)
        return None if nb is None else nb.version

    async def _lint(self, nb_uri: str, delay: float) -> None:
        ls = self.ls
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            st = self.states.get(nb_uri)
            snap = self.snapshot(nb_uri)
            if st is None or snap is None:
                return
            settings = ls.settings_for(nb_uri)
            if not settings.enable:
                st.good, st.good_texts = {}, {}
                self.publish(st, snap, {})
                return
            analysis = await self._analyze(st, snap)
            now = self.snapshot(nb_uri)
            if now is None or self.states.get(nb_uri) is not st:
                return
            if now.key != snap.key:
                st.stats.discarded += 1
                return
            for err in analysis.rule_errors:
                ls.warn([f"mpguard: rule failed and was skipped: {err}"], settings)
            st.analysis, st.snapshot = analysis, snap
            per_cell = self.diagnostics_for(analysis, snap, settings.show_syntax_errors, st)
            self.publish(st, snap, per_cell)
            ls.schedule_collection(asyncio.get_running_loop())
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - never let a lint take the server down
            log.exception("linting notebook %s failed", nb_uri)

    def to_cell_diagnostic(self, finding: Finding, snap: Snapshot) -> tuple[str, lsp.Diagnostic]:
        codec = self.ls.codec
        related_ok = self.ls.supports_related()
        number, rng = snap.source.range_to_cell(finding.range)
        cell = snap.cells[number - 1]
        local = dataclasses.replace(finding, range=rng, related=[])
        diag = finding_to_diagnostic(local, snap.index(number, codec), cell.uri, cell.version, related_ok)
        if related_ok and finding.related:
            info = []
            for r in finding.related:
                rnum, rrng = snap.source.range_to_cell(r.range)
                info.append(
                    lsp.DiagnosticRelatedInformation(
                        location=lsp.Location(
                            uri=snap.cells[rnum - 1].uri,
                            range=snap.index(rnum, codec).range_to_client(rrng),
                        ),
                        message=r.message,
                    )
                )
            diag.related_information = info
        return cell.uri, diag

    def diagnostics_for(self, analysis: "Analysis", snap: Snapshot, show_syntax: bool,
                        st: NotebookState) -> dict[str, list[lsp.Diagnostic]]:
        out: dict[str, list[lsp.Diagnostic]] = {c.uri: [] for c in snap.cells}
        if not snap.cells:
            return out
        if analysis.parsed:
            for f in analysis.findings:
                uri, d = self.to_cell_diagnostic(f, snap)
                out[uri].append(d)
            st.good = {u: list(ds) for u, ds in out.items()}
            st.good_texts = {c.uri: c.text for c in snap.cells}
            return out
        # Does not parse: keep the last good findings of the cells that did not change since,
        # and report the syntax error on its cell.
        for c in snap.cells:
            if st.good_texts.get(c.uri) == c.text:
                out[c.uri] = list(st.good.get(c.uri, []))
        err = analysis.syntax_error
        if err is not None and show_syntax:
            uri, d = self.to_cell_diagnostic(err, snap)
            out[uri].append(d)
        return out

    def publish(self, st: NotebookState, snap: Snapshot, per_cell: dict[str, list[lsp.Diagnostic]]) -> None:
        ls = self.ls
        stale = set(st.current) - set(per_cell)  # cells deleted from the notebook
        st.current = {u: list(ds) for u, ds in per_cell.items()}
        st.result_id += 1
        st.stats.published_versions.append(self._version(st.uri))
        # Always pushed, pull clients included: vscode-languageclient 9 never pulls notebook cells
        # (microsoft/vscode-languageserver-node#1464), so a pull-only cell would never show.
        versions = {c.uri: c.version for c in snap.cells}
        for uri in stale:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diags in per_cell.items():
            ls.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=versions.get(uri))
            )

    def close(self, nb_uri: str, cell_uris: list[str]) -> None:
        st = self.states.pop(nb_uri, None)
        uris = list(dict.fromkeys(list(cell_uris) + (list(st.current) if st else [])))
        if st is not None and st.task is not None and not st.task.done():
            st.task.cancel()
        for uri in uris:  # pushed to every client (see publish)
            self.ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # -------------------------------------------------------------- analysis for requests
    async def analysis_for_current(self, nb_uri: str) -> tuple[Optional["Analysis"], Optional[Snapshot]]:
        snap = self.snapshot(nb_uri)
        if snap is None:
            return None, None
        st = self.states.get(nb_uri)
        if st is None:
            from mpguard.lsp.server import DocState

            st = self.states[nb_uri] = NotebookState(nb_uri, DocState(nb_uri))
        if st.analysis is not None and st.snapshot is not None and st.snapshot.key == snap.key:
            return st.analysis, st.snapshot
        return await self._analyze(st, snap), snap

    # -------------------------------------------------------------- edits
    def map_edits(self, snap: Snapshot, edits: list[TextEdit]) -> Optional[dict[str, list[lsp.TextEdit]]]:
        """Module edits -> client edits per cell URI, or None when one cannot be placed in a cell."""
        out: dict[str, list[lsp.TextEdit]] = {}
        for e in edits:
            mapped = self._map_edit(snap, e)
            if mapped is None:
                return None
            uri, te = mapped
            out.setdefault(uri, []).append(te)
        return out

    def _cell_position(self, snap: Snapshot, pos: Position) -> Optional[tuple[int, Position]]:
        number, line = snap.source.to_cell(pos.line)
        if not 1 <= number <= len(snap.cells):
            return None
        cell = snap.source.cell(number)
        index = snap.index(number, self.ls.codec)
        if not 1 <= line <= len(index.lines):
            return None
        cell_line = index.lines[line - 1]
        module_line = _module_line(snap.text, pos.line)
        if line <= cell.line_count and module_line != cell_line:
            return None  # an IPython line commented out in the module: columns differ
        if pos.column > len(cell_line):
            return None
        return number, Position(line, pos.column)

    def _map_edit(self, snap: Snapshot, e: TextEdit) -> Optional[tuple[str, lsp.TextEdit]]:
        start = self._cell_position(snap, e.range.start)
        end = self._cell_position(snap, e.range.end)
        if start is None and e.range.start == e.range.end and e.new_text.endswith("\n"):
            # A whole-lines insertion on the blank separator line after a cell without a final
            # newline: the same module (up to a blank line) when it goes to the next cell's top.
            number, _ = snap.source.to_cell(e.range.start.line)
            cell = snap.source.cell(number) if 1 <= number <= len(snap.cells) else None
            if cell is not None and e.range.start.line == cell.start_line + cell.line_count \
                    and e.range.start.column == 0 and number < len(snap.cells):
                start = end = (number + 1, Position(1, 0))
        if start is None or end is None or start[0] != end[0]:
            return None
        number = start[0]
        index = snap.index(number, self.ls.codec)
        rng = lsp.Range(start=index.to_client(start[1].line, start[1].column),
                        end=index.to_client(end[1].line, end[1].column))
        return snap.cells[number - 1].uri, lsp.TextEdit(range=rng, new_text=e.new_text)

    def workspace_edit(self, snap: Snapshot, per_cell: dict[str, list[lsp.TextEdit]]) -> lsp.WorkspaceEdit:
        versions = {c.uri: c.version for c in snap.cells}
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
        analysis, snap = await self.analysis_for_current(nb_uri)
        if analysis is None or snap is None:
            return []
        number = snap.cell_number(cell_uri)
        if number is None:
            return []  # a markdown cell, or a cell of another language
        index = snap.index(number, ls.codec)
        adapter = _CellToModule(snap, number, index)
        req = adapter.range_from_client(params.range)
        if req.end < req.start:
            req = Range(req.start, req.start)
        only = list(params.context.only) if params.context and params.context.only else None
        context_diags = list(params.context.diagnostics or []) if params.context else []
        config = ls.config_for_doc(self.config_path(nb_uri), settings)
        text, path = snap.text, snap.path

        def build() -> list:
            specs = collect_actions(analysis, text, req, only, context_diags, adapter, path, config)  # type: ignore[arg-type]
            out = []
            for spec in specs:
                edits = spec.edits()
                if not edits or is_noop(edits):
                    continue
                mapped = self.map_edits(snap, list(edits))
                if mapped is None:
                    log.info("%s: an edit of %r falls outside one cell; not offered", cell_uri, spec.title)
                    continue
                out.append((spec, mapped))
            return out

        loop = asyncio.get_running_loop()
        built = await loop.run_in_executor(ls.executor, build)
        now = self.snapshot(nb_uri)
        if now is None or now.key != snap.key:
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
                    uri, d = self.to_cell_diagnostic(spec.finding, snap)
                    diags = [d] if uri == cell_uri else None
            actions.append(
                lsp.CodeAction(
                    title=spec.title,
                    kind=spec.kind,
                    diagnostics=diags,
                    is_preferred=True if spec.preferred else None,
                    edit=self.workspace_edit(snap, mapped),
                )
            )
        return actions

    # -------------------------------------------------------------- instrumentation
    def debug_entries(self) -> list[dict]:
        out = []
        for st in self.states.values():
            out.append({
                "uri": st.uri,
                "notebook": True,
                "analyses": st.stats.analyses,
                "versionsAnalysed": list(st.stats.versions_analysed),
                "publishedVersions": list(st.stats.published_versions),
                "discarded": st.stats.discarded,
                "slowRuns": 0,
                "diagnostics": sum(len(v) for v in st.current.values()),
            })
        return out


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
            ls.notebooks.schedule(uri, settings.debounce_ms / 1000)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    async def on_nb_save(ls: "MpguardServer", params: lsp.DidSaveNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        if uri in ls.notebooks.states and ls.settings_for(uri).run == "onSave":
            ls.notebooks.schedule(uri, 0)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def on_nb_close(ls: "MpguardServer", params: lsp.DidCloseNotebookDocumentParams) -> None:
        ls.notebooks.close(params.notebook_document.uri, [c.uri for c in params.cell_text_documents])
