"""``workspace/didChangeConfiguration``: settings resolved again, every document re-analysed."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


async def did_change_configuration(ls: "MpguardServer", params: lsp.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("mpguard"), dict):
        ls.session.pushed_settings = settings["mpguard"]
    ls.session.invalidate_settings()  # resolved again even if the client cannot be asked
    await ls.pull_configuration()
    ls.apply_log_level()
    log.info("configuration changed; re-linting %d open documents", len(ls.docs))
    ls.relint_all()
    await asyncio.sleep(0)
    ls.refresh_pull()


def register(server: "MpguardServer") -> None:
    server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
