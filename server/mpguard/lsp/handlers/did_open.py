"""``textDocument/didOpen``: analyse at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


async def did_open(ls: "MpguardServer", params: lsp.DidOpenTextDocumentParams) -> None:
    ls.state(params.text_document.uri)
    ls.schedule(params.text_document.uri, 0)


def register(server: "MpguardServer") -> None:
    server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
