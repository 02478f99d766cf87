"""Code actions as data: which actions a range offers (``collect_actions``) and the edits of one
action described by its ``data`` (``resolve_edits``). Kinds and types: lsp/action_kinds.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from lsprotocol import types as lsp

from mpguard.config import Config
from mpguard.engine import Analysis
from mpguard.findings import Finding, Range, Safety
from mpguard.lsp.action_kinds import FIX_ALL_KIND, QUICKFIX, REFACTOR_REWRITE, ActionType, kind_wanted
from mpguard.lsp.convert import SOURCE, LineIndex, engine_ranges_overlap
from mpguard.lsp.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


@dataclass
class ActionSpec:
    title: str
    kind: str
    code: Optional[str]
    edits: Callable[[], list]  # engine TextEdits against the analysed text
    preferred: bool = False
    finding: Optional[Finding] = None
    data: dict = field(default_factory=dict)


def fix_all_text(text: str, path: Optional[str], config: Config) -> Optional[str]:
    from mpguard.fixer import fix_text

    result = fix_text(text, path, config)
    return result.text if result.changed and result.text != text else None


def is_noop(edits: list) -> bool:
    return all(e.new_text == "" and e.range.start == e.range.end for e in edits)


def collect_actions(
    analysis: Analysis,
    text: str,
    req,
    only: Optional[list[str]],
    context_diags: list[lsp.Diagnostic],
    index: LineIndex,
    path: Optional[str],
    config: Config,
    settings: Optional[Settings] = None,
) -> list[ActionSpec]:
    """The actions for `req`, minus those the editor settings turn off (Ruff's `fixAll`,
    `codeAction.fixViolation.enable`, `codeAction.disableRuleComment.enable`)."""
    from mpguard.suppression import file_suppression_edit, line_suppression_edit
    from mpguard.textdiff import minimal_edits

    settings = settings or Settings()
    specs: list[ActionSpec] = []
    suppress: list[tuple[str, int]] = []  # (code, 1-based line), in order
    any_safe = False  # a safe fix under the cursor: offer fix-all in the plain lightbulb menu too
    for f in analysis.findings:
        if f.code == "MP000":
            continue
        if not engine_ranges_overlap(f.range, req):
            continue
        for fx in f.fixes:
            if fx.kind == "quickfix" and fx.safety is Safety.SAFE:
                any_safe = True
        for i, fx in enumerate(f.fixes):
            if not kind_wanted(fx.kind, only) or (fx.kind == QUICKFIX and not settings.fix_violation):
                continue
            title = fx.title if fx.safety is Safety.SAFE else f"{fx.title} (unsafe)"
            specs.append(
                ActionSpec(
                    title=title,
                    kind=fx.kind,
                    code=f.code,
                    edits=(lambda fx=fx: list(fx.edits())),
                    preferred=fx.preferred,
                    finding=f,
                    data={"type": ActionType.FIX.value, "id": fx.id, "code": f.code, "line": f.range.start.line,
                          "column": f.range.start.column, "index": i},
                )
            )
        if (f.code, f.range.start.line) not in suppress:
            suppress.append((f.code, f.range.start.line))
    # Convertible `with Pool(...)` blocks around the cursor, reported or not.
    if kind_wanted(REFACTOR_REWRITE, only) and analysis.parsed:
        from mpguard.lsp.refactorings import pool_conversions

        have = {s.title for s in specs if s.kind.startswith("refactor")}
        for title, compute in pool_conversions(getattr(analysis, "model", None), req):
            if title in have or f"{title} (unsafe)" in have:
                continue

            def conv_edits(compute=compute) -> list:
                new = compute()
                return [] if new is None or new == text else minimal_edits(text, new)

            specs.append(ActionSpec(title=title, kind=REFACTOR_REWRITE, code=None,
                                    edits=conv_edits,
                                    data={"type": ActionType.CONVERT_POOL.value, "line": req.start.line,
                                          "column": req.start.column}))
    # Diagnostics the editor holds for this range (maybe stale while the file does not parse).
    for d in context_diags:
        if d.source != SOURCE or not isinstance(d.code, str) or d.code == "MP000":
            continue
        line = index.from_client(d.range.start).line
        if (d.code, line) not in suppress:
            suppress.append((d.code, line))
    if kind_wanted(QUICKFIX, only) and settings.disable_rule_comment:
        for code, line in suppress:
            specs.append(
                ActionSpec(
                    title=f"Disable {code} for this line",
                    kind=QUICKFIX,
                    code=code,
                    edits=(lambda code=code, line=line: [line_suppression_edit(text, line, code)]),
                    data={"type": ActionType.DISABLE_LINE.value, "code": code, "line": line},
                )
            )
        for code in dict.fromkeys(c for c, _ in suppress):
            specs.append(
                ActionSpec(
                    title=f"Disable {code} for this file",
                    kind=QUICKFIX,
                    code=code,
                    edits=(lambda code=code: [file_suppression_edit(text, code)]),
                    data={"type": ActionType.DISABLE_FILE.value, "code": code},
                )
            )
    if settings.fix_all and analysis.parsed and (
        (only and kind_wanted(FIX_ALL_KIND, only) and any(FIX_ALL_KIND.startswith(o) for o in only))
        or (not only and any_safe and settings.fix_violation)  # (the lightbulb: with the fixes)
    ):
        def fix_all_edits() -> list:
            new = fix_all_text(text, path, config)
            return [] if new is None else minimal_edits(text, new)

        specs.append(
            ActionSpec(
                title="mpguard: Fix all auto-fixable problems",
                kind=FIX_ALL_KIND,
                code=None,
                edits=fix_all_edits,
                data={"type": ActionType.FIX_ALL.value},
            )
        )
    return specs


def edits_for(analysis: Analysis, text: str, path: Optional[str], config: Config, data: dict) -> list:
    """Engine edits of the action described by `data`, against `text` (its `analysis`)."""
    from mpguard.suppression import file_suppression_edit, line_suppression_edit
    from mpguard.textdiff import minimal_edits

    action_type = ActionType.parse(data.get("type"))
    if action_type is ActionType.FIX_ALL:
        new = fix_all_text(text, path, config)
        return [] if new is None else minimal_edits(text, new)
    if action_type is ActionType.DISABLE_LINE:
        return [line_suppression_edit(text, int(data["line"]), str(data["code"]))]
    if action_type is ActionType.DISABLE_FILE:
        return [file_suppression_edit(text, str(data["code"]))]
    if action_type is ActionType.CONVERT_POOL:
        from mpguard.findings import Position as P
        from mpguard.lsp.refactorings import pool_conversions

        at = P(int(data.get("line", 1)), int(data.get("column", 0)))
        for _title, compute in pool_conversions(getattr(analysis, "model", None), Range(at, at)):
            new = compute()
            return [] if new is None else minimal_edits(text, new)
        return []
    if action_type is ActionType.FIX and data.get("id"):
        # The fix handed out with this id, in this text version; none if the text moved.
        fix = analysis.fix_by_id(str(data["id"]))
        return [] if fix is None else list(fix.edits())
    if action_type is ActionType.FIX:  # `mpguard.applyFix` with {code, line, index}: the nearest finding
        code, line = data.get("code"), int(data.get("line", 0))
        candidates = [f for f in analysis.findings if f.code == code]
        # Same start if the text did not move, else the nearest finding of that code.
        candidates.sort(key=lambda f: (abs(f.range.start.line - line),
                                       abs(f.range.start.column - int(data.get("column", 0)))))
        for f in candidates[:1]:
            idx = int(data.get("index", 0))
            if 0 <= idx < len(f.fixes):
                return list(f.fixes[idx].edits())
    return []


async def resolve_edits(ls: "MpguardServer", uri: str, data: dict) -> tuple[list, Optional[int], str]:
    """(engine edits, version, text) of an action described by `data`, against the current text;
    no edits when the text changed meanwhile."""
    analysis, text, version = await ls.analysis_for_current(uri)
    if analysis is None:
        return [], version, text
    path = ls.path_of(uri)
    config = ls.config_for_doc(path, ls.settings_for(uri))
    edits = await ls.requests.run(edits_for, analysis, text, path, config, data)
    doc = ls.workspace.text_documents.get(uri)
    if doc is None or doc.source != text or is_noop(edits):
        return [], version, text
    return edits, version, text
