"""``textDocument/didSave``: a saved pyproject.toml re-reads the configuration; `run: onSave`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from mpguard.config import invalidate_cache
from mpguard.lsp.documents import is_pyproject

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


async def did_save(ls: "MpguardServer", params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if is_pyproject(uri):
        invalidate_cache()
        ls.relint_all()
        return
    if uri in ls.docs and ls.settings_for(uri).run == "onSave":
        ls.schedule(uri, 0)


def register(server: "MpguardServer") -> None:
    server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)(did_save)
