"""What the one lint/publish lifecycle (lsp/scheduler.py) needs to know about a kind of document.

The scheduler debounces, checks ``enable``, the size limit and the prefilter, runs the analysis,
drops a result the document moved on from, keeps the last good findings while the text does not
parse, and publishes, for every kind of document alike. A :class:`LintTarget` answers what
differs between kinds:

* how the document is read now (a :class:`View`: the text to analyse, its version, the path the
  engine sees) and whether the document still holds a view;
* how findings become diagnostics: one URI, or one URI per notebook cell with cell-relative
  ranges;
* which of the last good diagnostics still fit a text that does not parse, and which type-aware
  ones still fit until the slow lane looks again;
* how the published diagnostics reach the client, and what that clears.

:class:`TextTarget` is a text document; ``NotebookTarget`` (lsp/notebooks.py) a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Protocol

from lsprotocol import types as lsp

from mpguard.findings import Finding
from mpguard.lsp.convert import finding_to_diagnostic
from mpguard.lsp.text_sync import inside_document

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.engine import Analysis
    from mpguard.lsp.doc_state import DocState
    from mpguard.lsp.server import MpguardServer


class View(Protocol):
    """A document at one moment, as the engine analyses it."""

    text: str
    version: Optional[int]
    path: Optional[str]  # the path the engine sees (a notebook's ends with .ipynb)


class LintTarget(Protocol):
    uri: str
    isolate: bool  # a huge text is analysed in a child process (lsp/isolated.py)

    def state(self) -> Optional["DocState"]:
        """The open document's state; None once it is closed."""

    def view(self) -> Optional[View]:
        """The document now; None once it is closed."""

    def holds(self, view: Any) -> bool:
        """Whether the document still is `view` (else a result for it is dropped)."""

    def config_path(self) -> Optional[str]:
        """Where the configuration (pyproject.toml) is looked up from."""

    def diagnostics(self, findings: list[Finding], view: Any) -> list[lsp.Diagnostic]:
        """Findings on `view` as client diagnostics."""

    def installed(self, st: "DocState", analysis: "Analysis", view: Any) -> None:
        """Remember which view `analysis` (now `st.analysis`) is of, for requests."""

    def still_valid(self, st: "DocState", view: Any) -> list[lsp.Diagnostic]:
        """The last good diagnostics that still fit `view`, a text that does not parse."""

    def slow_found(self, st: "DocState", view: Any) -> None:
        """Remember that `st.slow` (the type-aware findings) was found in `view`."""

    def slow_still_valid(self, st: "DocState", view: Any) -> list[lsp.Diagnostic]:
        """The type-aware diagnostics that still fit `view` until the slow lane runs again."""

    def inside(self, diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
        """`diagnostics` with every range inside the document as it is now."""

    def send(self, st: "DocState", view: Any) -> None:
        """Hand `st.current` (just composed for `view`) to the client."""


@dataclass(frozen=True)
class TextView:
    text: str
    version: Optional[int]
    path: Optional[str]


class TextTarget:
    """A text document: one URI; its diagnostics move through edits (handlers/did_change.py)."""

    isolate = True

    def __init__(self, ls: "MpguardServer", uri: str) -> None:
        st = ls.docs.get(uri)  # any spelling finds it; diagnostics go to the one it was opened with
        self.ls, self.uri = ls, uri if st is None else st.uri

    def state(self) -> Optional["DocState"]:
        return self.ls.docs.get(self.uri)

    def view(self) -> Optional[TextView]:
        doc = self.ls.workspace.text_documents.get(self.uri)
        return None if doc is None else TextView(doc.source, doc.version, self.ls.path_of(self.uri))

    def holds(self, view: TextView) -> bool:
        doc = self.ls.workspace.text_documents.get(self.uri)
        return doc is not None and doc.version == view.version and doc.source == view.text

    def config_path(self) -> Optional[str]:
        return self.ls.path_of(self.uri)

    def diagnostics(self, findings: list[Finding], view: TextView) -> list[lsp.Diagnostic]:
        if not findings:  # no line index for a clean file (most edits of most files)
            return []
        index = self.ls.index_for(self.uri, view.text)
        related = self.ls.supports_related()
        return [finding_to_diagnostic(f, index, self.uri, view.version, related) for f in findings]

    def installed(self, st: "DocState", analysis: "Analysis", view: TextView) -> None:
        st.analysis, st.analysis_text, st.analysis_version = analysis, view.text, view.version

    def still_valid(self, st: "DocState", view: TextView) -> list[lsp.Diagnostic]:
        return st.good  # already moved through the edits since

    def slow_found(self, st: "DocState", view: TextView) -> None:
        pass  # (the edits since move them: handlers/did_change.py)

    def slow_still_valid(self, st: "DocState", view: TextView) -> list[lsp.Diagnostic]:
        return st.slow  # already moved through the edits since

    def inside(self, diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
        doc = self.ls.workspace.text_documents.get(self.uri)
        if doc is None:
            return diagnostics
        return inside_document(diagnostics, self.ls.index_for(self.uri, doc.source))  # whatever moved it

    def send(self, st: "DocState", view: TextView) -> None:
        if self.ls.pull_mode:
            return  # the report textDocument/diagnostic returns
        self.ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=self.uri, diagnostics=st.current, version=view.version)
        )
