"""Fix: wrap the module's executable tail in `if __name__ == "__main__":`.

From the first statement that must not run at import time to the end of the module, executable
statements move under the guard (merged with an existing guard, in source order); imports, defs,
classes and constant assignments stay at top level so that children can still import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.findings import Fix, Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.semantic.names import is_main_guard_test

if TYPE_CHECKING:
    from mpguard.rules import RuleContext

_GUARD_TEST = cst.parse_expression('__name__ == "__main__"')


def _is_literal(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString,
                         cst.ConcatenatedString, cst.Name)):
        return True
    if isinstance(expr, cst.UnaryOperation):
        return _is_literal(expr.expression)
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return all(_is_literal(e.value) for e in expr.elements)
    if isinstance(expr, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _is_literal(e.key) and _is_literal(e.value)
                   for e in expr.elements)
    if isinstance(expr, cst.Attribute):
        return _is_literal(expr.value)
    return False


def stays_at_top_level(stmt: cst.BaseStatement) -> bool:
    """Definitions that children must be able to import: imports, defs, classes, constants."""
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return True
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                continue  # docstring-like
            if isinstance(small, cst.Assign) and _is_literal(small.value):
                continue
            if isinstance(small, cst.AnnAssign) and (small.value is None or _is_literal(small.value)):
                continue
            return False
        return True
    return False


def wrap_in_guard(module: cst.Module, first_index: int) -> Optional[cst.Module]:
    body = list(module.body)
    if first_index < 0 or first_index >= len(body):
        return None
    if stays_at_top_level(body[first_index]):
        return None  # the offending statement is itself a definition: a guard cannot help
    kept: list[cst.BaseStatement] = list(body[:first_index])
    moved: list[cst.BaseStatement] = []
    guard: Optional[cst.If] = None
    for stmt in body[first_index:]:
        if (isinstance(stmt, cst.If) and is_main_guard_test(stmt.test) and not isinstance(stmt.test, cst.BooleanOperation)
                and stmt.orelse is None and guard is None):  # merge only into a plain guard
            guard = stmt
            inner = stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else [
                cst.SimpleStatementLine(body=list(stmt.body.body))  # type: ignore[union-attr]
            ]
            moved.extend(inner)
            continue
        if stays_at_top_level(stmt):
            kept.append(stmt)
        else:
            moved.append(stmt)
    if not moved:
        return None
    # Comments and blank lines above the first moved statement now introduce the guard.
    if guard is not None and guard is body[first_index]:
        leading = list(guard.leading_lines)
    else:
        leading = list(getattr(moved[0], "leading_lines", ()))
        moved[0] = moved[0].with_changes(leading_lines=())  # type: ignore[attr-defined]
    if kept and not leading:
        leading = [cst.EmptyLine()]
    # Blank lines inside the new block must not carry indentation (no trailing whitespace).
    moved = [_dedent_blank_lines(s) for s in moved]
    if guard is not None and isinstance(guard.body, cst.IndentedBlock):
        new_guard = guard.with_changes(body=guard.body.with_changes(body=moved), leading_lines=leading)
    else:
        new_guard = cst.If(test=_GUARD_TEST, body=cst.IndentedBlock(body=moved), leading_lines=leading)
    return module.with_changes(body=[*kept, new_guard])


def _dedent_blank_lines(stmt: cst.BaseStatement) -> cst.BaseStatement:
    lines = getattr(stmt, "leading_lines", None)
    if not lines:
        return stmt
    fixed = [ln.with_changes(indent=False) if ln.comment is None else ln for ln in lines]
    return stmt.with_changes(leading_lines=fixed)  # type: ignore[attr-defined]


GUARD_TITLE = 'Wrap in `if __name__ == "__main__":` guard'


@dataclass(frozen=True)
class WrapInGuard:
    """Top-level edit (:class:`~mpguard.fixes.multi_edit.TopLevelEdit`): the module's tail from
    `body[first_index]` under the `__main__` guard."""

    first_index: int

    def apply(self, module: cst.Module) -> Optional[cst.Module]:
        return wrap_in_guard(module, self.first_index)


def guard_fix(ctx: "RuleContext", first_index: int) -> Optional[Fix]:
    """The shared guard fix (MP101, MP102): None when a guard cannot help."""
    if stays_at_top_level(ctx.model.module.body[first_index]):
        return None
    edit = MultiEdit().at_top_level(WrapInGuard(first_index))
    return ctx.fix(GUARD_TITLE, Safety.SAFE, edit, preferred=True)
