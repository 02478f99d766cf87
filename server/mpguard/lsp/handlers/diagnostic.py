"""``textDocument/diagnostic`` (pull), registered in ``initialize`` for clients that pull."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

# A pull waits at most this long for the analysis in progress.
PULL_WAIT_S = 10


async def diagnostic(ls: "MpguardServer", params: lsp.DocumentDiagnosticParams):
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        # Cell diagnostics are pushed, to pull clients too (vscode-languageclient 9 never pulls
        # cells); a pull gets an empty report so a client that does pull cells (languageclient
        # 10) does not show them twice: VS Code keeps pushed and pulled ones apart.
        return lsp.RelatedFullDocumentDiagnosticReport(items=[], result_id="pushed")
    st = ls.docs.get(uri)
    if st is None:
        return lsp.RelatedFullDocumentDiagnosticReport(items=[], result_id="closed")
    deadline = time.monotonic() + PULL_WAIT_S
    while st.task is not None and not st.task.done() and time.monotonic() < deadline:
        task = st.task
        await asyncio.wait([task], timeout=max(0.0, deadline - time.monotonic()))
    result_id = f"{id(st)}-{st.result_id}"
    if params.previous_result_id == result_id:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return lsp.RelatedFullDocumentDiagnosticReport(items=list(st.current), result_id=result_id)


def register(server: "MpguardServer") -> None:
    server.feature(
        lsp.TEXT_DOCUMENT_DIAGNOSTIC,
        lsp.DiagnosticOptions(identifier="mpguard", inter_file_dependencies=False, workspace_diagnostics=False),
    )(diagnostic)
