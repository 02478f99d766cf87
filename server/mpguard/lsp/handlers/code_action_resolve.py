"""``codeAction/resolve``: the edit of an action whose ``data`` names it (lsp/action_kinds.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from mpguard.lsp.actions import resolve_edits
from mpguard.lsp.convert import text_edit_to_client

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


async def code_action_resolve(ls: "MpguardServer", action: lsp.CodeAction) -> lsp.CodeAction:
    try:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if not uri or uri not in ls.workspace.text_documents or ls.notebooks.is_cell(uri):
            return action
        edits, version, text = await resolve_edits(ls, uri, data)
        if edits:
            index = ls.index_for(uri, text)
            action.edit = ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits])
        return action
    except Exception:  # noqa: BLE001
        log.exception("resolving a code action failed")
        return action


def register(server: "MpguardServer") -> None:
    server.feature(lsp.CODE_ACTION_RESOLVE)(code_action_resolve)
