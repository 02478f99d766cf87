"""``workspace/didChangeWatchedFiles``: a changed pyproject.toml re-analyses every document."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from mpguard.config import invalidate_cache
from mpguard.lsp.documents import is_pyproject

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


async def did_change_watched_files(ls: "MpguardServer", params: lsp.DidChangeWatchedFilesParams) -> None:
    if any(is_pyproject(c.uri) for c in params.changes):
        invalidate_cache()
        ls.session.invalidate_settings()  # the size limit and rule selection come from pyproject
        log.info("pyproject.toml changed; re-linting %d open documents", len(ls.docs))
        ls.relint_all()
        ls.refresh_pull()


def register(server: "MpguardServer") -> None:
    server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
