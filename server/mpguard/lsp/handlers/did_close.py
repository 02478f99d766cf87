"""``textDocument/didClose``: forget the document, stop its analyses, clear its diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


async def did_close(ls: "MpguardServer", params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    st = ls.docs.pop(uri, None)
    ls.isolated.cancel_outdated(uri, None)
    if st is not None:
        for t in (st.task, st.slow_task):
            if t is not None and not t.done():
                t.cancel()
    if not ls.pull_mode:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def register(server: "MpguardServer") -> None:
    server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
