"""Small syntactic questions about libcst nodes: dotted names, literals, arguments, the
`__main__` guard test."""

from __future__ import annotations

from typing import Optional

import libcst as cst


def dotted_name(expr: cst.CSTNode) -> Optional[str]:
    """`a.b.c` -> "a.b.c"; None for anything that is not a plain dotted name."""
    parts = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if isinstance(expr, cst.Name):
        parts.append(expr.value)
        return ".".join(reversed(parts))
    return None


def string_value(expr: Optional[cst.CSTNode]) -> Optional[str]:
    if isinstance(expr, cst.SimpleString):
        try:
            v = expr.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes
            return None
        return v if isinstance(v, str) else None
    return None


def int_value(expr: Optional[cst.CSTNode]) -> Optional[int]:
    """The value of an integer literal, also `10 ** 6` and `4 * 1024`; None for anything else."""
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Power, cst.Multiply)):
        a, b = int_value(expr.left), int_value(expr.right)
        if a is None or b is None:
            return None
        if isinstance(expr.operator, cst.Power):
            return a ** b if 0 <= b < 20 else None
        return a * b
    return None


def is_main_guard_test(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"` in either operand order, either quote style; also as one operand
    of `and` (`if __name__ == "__main__" and not DEBUG:` still never runs in a child)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return is_main_guard_test(test.left) or is_main_guard_test(test.right)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if not isinstance(target.operator, cst.Equal):
            return False
        left, right = test.left, target.comparator
        for a, b in ((left, right), (right, left)):
            if isinstance(a, cst.Name) and a.value == "__name__" and string_value(b) == "__main__":
                return True
    return False


def get_arg(call: cst.Call, name: Optional[str], position: Optional[int]) -> Optional[cst.Arg]:
    """The argument passed by keyword `name` or at `position` (no star-args guessing)."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if name is not None and arg.keyword.value == name:
                return arg
            continue
        if arg.star:
            return None if position is not None and positional <= position else None
        if position is not None and positional == position:
            return arg
        positional += 1
    return None


def has_keyword(call: cst.Call, name: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == name for a in call.args)


def receiver_text(call: cst.Call) -> Optional[str]:
    """`pool.join()` -> "pool"; `self.pool.join()` -> "self.pool"."""
    if isinstance(call.func, cst.Attribute):
        return dotted_name(call.func.value)
    return None


def method_name(call: cst.Call) -> Optional[str]:
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    return None


def bool_keyword(call: cst.Call, name: str) -> Optional[bool]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            if isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False"):
                return arg.value.value == "True"
            return None
    return None
