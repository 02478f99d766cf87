"""``textDocument/codeAction``: fixes, suppressions, conversions and fix-all for a range.

Edits are computed on the request lane against the current text; with ``codeAction/resolve``
those the registry marks lazy (lsp/action_kinds.py) wait for the resolve."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional

from lsprotocol import types as lsp

from mpguard.lsp.action_kinds import ADVERTISED_KINDS, QUICKFIX, resolve_lazily
from mpguard.lsp.actions import collect_actions, is_noop
from mpguard.lsp.convert import SOURCE, finding_to_diagnostic, text_edit_to_client
from mpguard.lsp.requests import CODE_ACTION_BUDGET_S

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import DocState, MpguardServer

log = logging.getLogger("mpguard.lsp")


async def code_action(ls: "MpguardServer", params: lsp.CodeActionParams):
    try:
        return await _code_actions(ls, params)
    except Exception:  # noqa: BLE001
        log.exception("code actions for %s failed", params.text_document.uri)
        return []


async def _code_actions(ls: "MpguardServer", params: lsp.CodeActionParams):
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        return await ls.notebooks.code_actions(params)  # edits computed inline, per cell
    if uri not in ls.workspace.text_documents:
        return []
    settings = ls.settings_for(uri)
    if not settings.enable:
        return []
    analysis, text, version = await ls.analysis_for_current(uri, CODE_ACTION_BUDGET_S)
    if analysis is None:
        return []
    index = ls.index_for(uri, text)
    req = index.range_from_client(params.range)
    only = list(params.context.only) if params.context and params.context.only else None
    context_diags = list(params.context.diagnostics or []) if params.context else []
    path = ls.path_of(uri)
    config = ls.config_for_doc(path, settings)
    lazy = ls.supports_resolve_edit()

    def build() -> list:
        specs = collect_actions(analysis, text, req, only, context_diags, index, path, config, settings)
        out = []
        for spec in specs:
            if lazy and resolve_lazily(spec.data):
                edits = None
            else:
                edits = spec.edits()
                if not edits or is_noop(edits):
                    continue
            out.append((spec, edits))
        return out

    built = await ls.requests.run(build)
    doc = ls.workspace.text_documents.get(uri)
    if doc is None or doc.source != text:
        return []  # the document changed while we computed: no edit is better than a corrupt one
    by_diag = _diagnostic_lookup(ls.docs.get(uri), context_diags)
    actions = []
    for spec, edits in built:
        diags = None
        if spec.kind == QUICKFIX and spec.code:
            line = spec.data.get("line")
            diags = [d for d in by_diag if d.code == spec.code and
                     (line is None or index.from_client(d.range.start).line == line)] or None
            if diags is None and spec.finding is not None:
                diags = [finding_to_diagnostic(spec.finding, index, uri, version, ls.supports_related())]
        action = lsp.CodeAction(
            title=spec.title,
            kind=spec.kind,
            diagnostics=diags,
            is_preferred=True if spec.preferred else None,
        )
        if edits is None:
            action.data = {**spec.data, "uri": uri, "version": version}
        else:
            action.edit = ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits])
        actions.append(action)
    return actions


def _diagnostic_lookup(st: Optional["DocState"], context: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    out = [d for d in context if d.source == SOURCE]
    if st is not None:
        out += list(st.current)
    return out


def register(server: "MpguardServer") -> None:
    server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=list(ADVERTISED_KINDS), resolve_provider=True),
    )(code_action)
