"""MP208 unpicklable-result: a pool task returns something that cannot be pickled back."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.pickling import api_text, classify, is_task, iter_workers
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import FunctionInfo, Value


def _local(scope) -> bool:
    while scope is not None:
        if scope.kind in ("function", "lambda"):
            return True
        scope = scope.parent
    return False


def _bad_return(model: ModuleModel, f: FunctionInfo) -> Optional[tuple[cst.CSTNode, str, str]]:
    """(return expression, what it is, the error) for a return value that cannot be pickled."""
    for r in f.returns:
        v: Value = model.resolve(r, f.scope)
        if v.kind == "lambda":
            return r, "a lambda", "Can't pickle <function <lambda>>"
        if v.kind == "function" and v.function is not None and _local(v.function.defining_scope):
            return r, f"the nested function `{v.function.name}`", "Can't pickle local object"
        got = classify(model, v, task=False)
        if got is not None:
            what, error, _ = got
            return r, what, error
    return None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for w in iter_workers(model):
        d = w.dispatch
        if not is_task(d):
            continue  # Process targets and initializers: the return value is discarded
        v = w.value
        f = v.function if v.kind in (ValueKind.FUNCTION, ValueKind.METHOD) else None
        if f is None or f.is_async:
            continue
        node = d.worker.value  # type: ignore[union-attr]
        if id(node) in reported:
            continue
        if f.is_generator:
            reported.add(id(node))
            ctx.report(node, f"`{f.name}` returns a generator, which {api_text(d)} cannot pickle back",
                       related=[(f.node.name, "defined here")])
            continue
        bad = _bad_return(model, f)
        if bad is None:
            continue
        ret, what, error = bad
        reported.add(id(node))
        ctx.report(node, f"`{f.name}` returns {what}, which {api_text(d)} cannot pickle back",
                   related=[(ret, "returned here")])


RULE = Rule(
    code="MP208",
    summary="A pool task returns something that cannot be pickled back to the parent (a generator, lambda, "
            "closure, open file, lock or connection).",
    why="""
Results of Pool/ProcessPoolExecutor tasks travel back to the parent pickled. A generator function
used as a task returns a generator object; returning a lambda, a nested function, an open file, a
thread lock or a DB connection fails the same way: `multiprocessing.pool.MaybeEncodingError: Error
sending result: ... Reason: 'TypeError("cannot pickle 'generator' object")'` (ProcessPoolExecutor
raises the TypeError from `result()`).

The error for a generator function under `Pool.map`, identical in 3.10-3.13 apart from the address
(checked by running the failing case on CPython 3.10-3.13): `multiprocessing.pool.MaybeEncodingError: Error sending result: '[<generator object
parse at 0x...>]'. Reason: 'TypeError("cannot pickle 'generator' object")'`.
""",
    fix_doc="""
Return plain data: `list(...)` of a generator, the file's contents or path, the computed values.
""",
    check=check,
    name="unpicklable-result",
    severity=Severity.ERROR,
    crash_class=True,
)
