"""``workspace/executeCommand``: mpguard.applyFix, mpguard.fixAll, mpguard.showRuleDocs,
mpguard.debugInfo (arguments checked by lsp/commands.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from mpguard.catalogue import docs_url
from mpguard.lsp.action_kinds import ActionType
from mpguard.lsp.actions import resolve_edits
from mpguard.lsp.commands import command_arguments
from mpguard.lsp.convert import text_edit_to_client

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

CMD_APPLY_FIX = "mpguard.applyFix"
CMD_FIX_ALL = "mpguard.fixAll"
CMD_SHOW_DOCS = "mpguard.showRuleDocs"
CMD_DEBUG = "mpguard.debugInfo"


async def apply_fix(ls: Any, *args: Any):  # pygls resolves these hints at run time
    """Arguments: {uri, code, line, index?} (or uri, code, line): apply that finding's fix."""
    data = command_arguments(CMD_APPLY_FIX, args)
    data.setdefault("type", ActionType.FIX.value)
    return await _apply(ls, data, "mpguard: apply fix")


async def fix_all(ls: Any, *args: Any):  # pygls resolves these hints at run time
    """Arguments: {uri} or uri: apply every safe fix, to a fixed point."""
    data = command_arguments(CMD_FIX_ALL, args)
    data["type"] = ActionType.FIX_ALL.value
    return await _apply(ls, data, "mpguard: fix all")


async def show_rule_docs(ls: Any, *args: Any):  # pygls resolves these hints at run time
    """Arguments: code. Returns {code, url, markdown} and asks the client to open the docs URL."""
    from mpguard.lsp.server import rule_markdown

    data = command_arguments(CMD_SHOW_DOCS, args)
    code = data["code"].upper()
    md = rule_markdown(code)
    if md is None:
        return {"code": code, "error": f"unknown rule code {code}"}
    if ls.session.features.show_document and data.get("open", True):
        try:
            ls.window_show_document(lsp.ShowDocumentParams(uri=docs_url(code), external=True))
        except Exception:  # noqa: BLE001
            pass
    return {"code": code, "url": docs_url(code), "markdown": md}


async def debug_info(ls: Any, *args: Any):  # pygls resolves these hints at run time
    from mpguard.lsp.handlers.debug_stats import stats

    return stats(ls, None)


async def _apply(ls: "MpguardServer", data: dict, label: str):
    uri = data.get("uri")
    if not isinstance(uri, str) or uri not in ls.workspace.text_documents:
        return {"applied": False, "reason": "document is not open"}
    if ls.notebooks.is_cell(uri):
        return {"applied": False, "reason": "not supported for notebook cells; use the code actions"}
    edits, version, text = await resolve_edits(ls, uri, data)
    if not edits:
        return {"applied": False, "reason": "nothing to fix"}
    index = ls.index_for(uri, text)
    result = await ls.workspace_apply_edit_async(
        lsp.ApplyWorkspaceEditParams(
            edit=ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits]),
            label=label,
        )
    )
    return {"applied": bool(getattr(result, "applied", False))}


def register(server: "MpguardServer") -> None:
    server.command(CMD_APPLY_FIX)(apply_fix)
    server.command(CMD_FIX_ALL)(fix_all)
    server.command(CMD_SHOW_DOCS)(show_rule_docs)
    server.command(CMD_DEBUG)(debug_info)
