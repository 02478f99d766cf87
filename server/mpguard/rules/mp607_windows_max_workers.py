"""MP607 windows-max-workers: `ProcessPoolExecutor(max_workers=...)` above Windows' limit of 61."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.target import configured_target
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg, int_value
from mpguard.semantic.records import Scope

LIMIT = 61
POOL_LIMIT_LIFTED = (3, 13)
CPU_COUNTS = {"os.cpu_count", "multiprocessing.cpu_count", "os.process_cpu_count", "psutil.cpu_count"}


def _verdict(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int,
             depth: int = 0) -> Optional[str]:
    """'literal:N' (N > 61), 'cpu' (an unclamped CPU count, maybe None), 'cpu-int' (an
    unclamped CPU-count-derived int) or None (fine or unknown)."""
    if depth > 6:
        return None
    if isinstance(expr, cst.Integer):
        n = int_value(expr)
        return f"literal:{n}" if n is not None and n > LIMIT else None
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is None or b.kind != "assign" or b.value is None or b.unpack_index is not None or b.scope is None:
            return None
        # a name re-bound elsewhere (e.g. clamped later) is not a single value
        if len([x for x in model.bindings_of(expr.value, scope) if x.kind != "import"]) != 1:
            return None
        return _verdict(model, b.value, b.scope, b.seq, depth + 1)
    if isinstance(expr, cst.Call):
        v = model.resolve(expr.func, scope, seq)
        qual = v.qualname if v.kind in (ValueKind.REF, ValueKind.MODULE) else None
        if qual in CPU_COUNTS:
            return "cpu"
        if isinstance(expr.func, cst.Name) and expr.func.value in ("min",) and scope.lookup_scope("min") is None:
            for arg in expr.args:
                if isinstance(arg.value, cst.Integer) and _verdict(model, arg.value, scope, seq) is None:
                    return None  # clamped by a small literal
                if isinstance(arg.value, cst.Name):
                    inner = _verdict(model, arg.value, scope, seq, depth + 1)
                    if inner is None and _is_small_constant(model, arg.value, scope, seq):
                        return None
            verdicts = [_verdict(model, a.value, scope, seq, depth + 1) for a in expr.args]
            return "cpu-int" if verdicts and all(verdicts) else None
        if isinstance(expr.func, cst.Name) and expr.func.value in ("max", "int") and scope.lookup_scope(expr.func.value) is None:
            for arg in expr.args:
                if _verdict(model, arg.value, scope, seq, depth + 1):
                    return "cpu-int"
            return None
        return None
    if isinstance(expr, cst.BooleanOperation):
        if _verdict(model, expr.left, scope, seq, depth + 1):
            return "cpu-int"
        return None
    if isinstance(expr, cst.BinaryOperation):
        left = _verdict(model, expr.left, scope, seq, depth + 1)
        if left and isinstance(expr.operator, (cst.Multiply, cst.Add, cst.Subtract, cst.FloorDivide)):
            if isinstance(expr.operator, cst.FloorDivide):
                return None  # cpu_count() // 2 and friends: usually small, stay quiet
            return "cpu-int"
        right = _verdict(model, expr.right, scope, seq, depth + 1)
        if right and isinstance(expr.operator, (cst.Multiply, cst.Add)):
            return "cpu-int"
        return None
    return None


def _is_small_constant(model: ModuleModel, name: cst.Name, scope: Scope, seq: int) -> bool:
    b = model.binding_before(name.value, scope, seq)
    return (b is not None and b.kind == "assign" and isinstance(b.value, cst.Integer)
            and _verdict(model, b.value, scope, seq) is None)


def _executor_sites(model: ModuleModel):
    for site in model.calls:
        func = model.resolve(site.node.func, site.scope, site.seq)
        if func.kind != ValueKind.REF:
            continue
        inst = model.resolve(site.node, site.scope, site.seq)
        if inst.is_type(ObjectType.PROCESS_POOL_EXECUTOR):
            yield site


def _pool_sites(model: ModuleModel):
    """`multiprocessing.Pool(processes)`, for target versions before 3.13 (gh-89240: Pool waits on
    at most 63 handles on Windows until 3.13)."""
    for site in model.calls:
        if model.resolve(site.node, site.scope, site.seq).is_type(ObjectType.POOL):
            yield site


def clamp_fix(ctx: RuleContext, arg: cst.Arg, verdict: str):
    model = ctx.model
    value = arg.value
    inner = value
    if verdict == "cpu":
        inner = cst.BooleanOperation(left=value, operator=cst.Or(), right=cst.Integer("1"))
    new_value = cst.Call(func=cst.Name("min"), args=[
        cst.Arg(cst.Integer(str(LIMIT)), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
        cst.Arg(inner),
    ])

    if model.module_scope.lookup_scope("min") is not None:
        return None  # `min` is rebound in this module: `min(61, ...)` would not clamp
    # Unsafe: fewer workers can deadlock tasks that meet at a `Barrier(N)` (RULES.md).
    return ctx.fix("Clamp to 61", Safety.UNSAFE, MultiEdit().replace_node(value, new_value), preferred=True)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for site in _executor_sites(model):
        arg = get_arg(site.node, "max_workers", 0)
        if arg is None or arg.star:
            continue
        verdict = _verdict(model, arg.value, site.scope, site.seq)
        if verdict is None:
            continue
        if verdict.startswith("literal:"):
            message = f"`max_workers={verdict.split(':')[1]}` raises `ValueError` on Windows, where the limit is 61"
        else:
            message = "`max_workers` from the CPU count is uncapped: `ValueError` on Windows above 61 CPUs"
        ctx.report(arg.value, message, fixes=[clamp_fix(ctx, arg, verdict)])
    target = configured_target(ctx.config)
    if target is not None and target >= POOL_LIMIT_LIFTED:
        return
    for site in _pool_sites(model):
        arg = get_arg(site.node, "processes", 0)
        verdict = None if arg is None or arg.star else _verdict(model, arg.value, site.scope, site.seq)
        if verdict is None:
            continue
        count = f"`processes={verdict.split(':')[1]}`" if verdict.startswith("literal:") else "An uncapped CPU count"
        ctx.report(arg.value, f"{count} breaks `Pool` on Windows before Python 3.13, where the limit is 61",
                   fixes=[clamp_fix(ctx, arg, verdict)])


RULE = Rule(
    code="MP607",
    summary="`ProcessPoolExecutor(max_workers=N)` (or `Pool(N)` before 3.13) with N above 61, or an uncapped "
            "CPU count: fails on Windows.",
    why="""
On Windows, `ProcessPoolExecutor` waits on its worker processes with `WaitForMultipleObjects`,
which handles at most 64 objects; the executor therefore rejects `max_workers > 61` with
`ValueError: max_workers must be <= 61`. A literal above 61, or `os.cpu_count()` (or something
computed from it) passed explicitly, crashes on large Windows machines. The executor's own
default (no `max_workers`) is already capped.

Windows only, every Python version: CPython's `Lib/concurrent/futures/process.py` defines
`_MAX_WINDOWS_WORKERS = 63 - 2` and raises
`ValueError(f"max_workers must be <= {_MAX_WINDOWS_WORKERS}")` (read in the 3.10-3.12 sources on this machine; it cannot be run off Windows).

`multiprocessing.Pool(processes=N)` has the same limit on Windows before Python 3.13: its worker
handler waits on the N process sentinels plus two pipes with `WaitForMultipleObjects`, so above
61 processes the handler thread dies with
`ValueError: need at most 63 handles, got a sequence of length 64` (N + 2) and the pool hangs
(CPython gh-89240, gh-94243). Python 3.13 lifted it (gh-89240, PR 107873:
`_winapi.BatchedWaitForMultipleObjects`). The `Pool` part is reported unless `target-version` is
3.13 or later.
""",
    fix_doc="""
**Clamp to 61** (unsafe: fewer workers can deadlock tasks that wait for each other, e.g. at a `Barrier(N)`): `max_workers=min(61, N)`; an `os.cpu_count()` that may be `None` becomes
`min(61, os.cpu_count() or 1)`.
""",
    check=check,
    name="windows-max-workers",
    severity=Severity.WARNING,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
