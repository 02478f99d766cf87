"""``textDocument/didChange``: move the diagnostics through the edit, then analyse (debounced)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from mpguard.lsp.convert import map_diagnostics
from mpguard.lsp.text_sync import inside_document

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


def did_change(ls: "MpguardServer", params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    st = ls.docs.get(uri)
    if st is None:
        return
    units = ls.codec.client_num_units
    try:
        st.good = map_diagnostics(st.good, params.content_changes, units)
        st.slow = map_diagnostics(st.slow, params.content_changes, units)
        st.syntax = map_diagnostics(st.syntax, params.content_changes, units)
        # A whole-text change cannot move diagnostics: until the next analysis they stay, but
        # inside the new text (hover and pull read `current`, so it must fit the text now).
        doc = ls.workspace.text_documents.get(uri)
        st.current = ls.compose(st)
        if doc is not None:
            st.current = inside_document(st.current, ls.index_for(uri, doc.source))
        st.result_id += 1
    except Exception:  # noqa: BLE001
        log.exception("mapping diagnostics through an edit failed")
    if ls.lint_now_if_trivial(uri):
        return
    ls.schedule_collection(asyncio.get_running_loop(), analysed=False)  # not idle yet
    settings = ls.settings_for(uri)
    if settings.run == "onType":
        ls.schedule(uri, settings.debounce_ms / 1000)


def register(server: "MpguardServer") -> None:
    server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
