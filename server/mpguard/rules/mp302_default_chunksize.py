"""MP302 default-chunksize: imap / imap_unordered / Executor.map send one item per round-trip."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch, iterables
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name, get_arg, int_value
from mpguard.semantic.records import Scope

SMALL = 100
FEW_CHUNKS = {"numpy.array_split", "numpy.split", "numpy.hsplit", "numpy.vsplit"}
CPU_COUNT = {"os.cpu_count", "multiprocessing.cpu_count", "os.process_cpu_count"}
SIZED_BUILDERS = {"list", "sorted", "tuple", "range", "dict", "set"}
SIZED_REFS = {"os.listdir", "glob.glob"}


def has_chunksize(d: Dispatch) -> bool:
    call = d.site.node
    if d.api == DispatchApi.EXECUTOR_MAP:
        return any(a.keyword is not None and a.keyword.value == "chunksize" for a in call.args)
    return get_arg(call, "chunksize", 2) is not None


def _binding_value(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int):
    """For a local name assigned once before use: (its value, scope, seq)."""
    if not isinstance(expr, cst.Name):
        return None
    b = model.binding_before(expr.value, scope, seq)
    if b is None or b.kind != "assign" or b.value is None or b.scope is None or b.unpack_index is not None:
        return None
    return b.value, b.scope, b.seq


def literal_size(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int,
                 depth: int = 0) -> Optional[int]:
    """The number of items when it is visible in the source, else None."""
    if depth > 3:
        return None
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        if any(isinstance(e, cst.StarredElement) for e in expr.elements):
            return None
        return len(expr.elements)
    if isinstance(expr, cst.Dict):
        return len(expr.elements)
    if isinstance(expr, cst.Call):
        func = model.resolve(expr.func, scope, seq)
        name = func.qualname if func.kind == ValueKind.REF else None
        if name == "range" and model.binding_before("range", scope, seq) is None:
            nums = []
            for a in expr.args:
                if a.keyword is not None or a.star:
                    return None
                n = int_value(a.value)
                if n is None:
                    return None
                nums.append(n)
            if len(nums) == 1:
                return max(0, nums[0])
            if len(nums) >= 2:
                step = nums[2] if len(nums) == 3 else 1
                return max(0, (nums[1] - nums[0] + step - 1) // step) if step > 0 else None
        if name in ("list", "tuple", "sorted", "enumerate") and len(expr.args) == 1:
            return literal_size(model, expr.args[0].value, scope, seq, depth + 1)
        return None
    bound = _binding_value(model, expr, scope, seq)
    if bound is not None:
        return literal_size(model, bound[0], bound[1], bound[2], depth + 1)
    return None


def few_tasks(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int, depth: int = 0) -> bool:
    """A handful of long tasks by construction: `np.array_split(x, n)`, `range(cpu_count())`."""
    if depth > 3:
        return False
    if isinstance(expr, cst.Call):
        func = model.resolve(expr.func, scope, seq)
        name = func.qualname if func.kind == ValueKind.REF else None
        if name in FEW_CHUNKS:
            return True
        if name == "range" and len(expr.args) == 1 and isinstance(expr.args[0].value, cst.Call):
            inner = model.resolve(expr.args[0].value.func, scope, seq)
            return inner.kind == ValueKind.REF and inner.qualname in CPU_COUNT
        return False
    bound = _binding_value(model, expr, scope, seq)
    if bound is not None:
        return few_tasks(model, bound[0], bound[1], bound[2], depth + 1)
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if d.api in (DispatchApi.POOL_IMAP, DispatchApi.POOL_IMAP_UNORDERED):
            if not d.receiver.is_type(ObjectType.POOL):
                continue
        elif d.api == DispatchApi.EXECUTOR_MAP:
            if not d.receiver.is_type(ObjectType.PROCESS_POOL_EXECUTOR):
                continue
        else:
            continue
        if has_chunksize(d):
            continue
        its = iterables(d)
        if not its or any(a.star for a in its):
            continue
        site = d.site
        sizes = [literal_size(model, a.value, site.scope, site.seq) for a in its]
        if any(s is not None and s < SMALL for s in sizes):
            continue
        if any(few_tasks(model, a.value, site.scope, site.seq) for a in its):
            continue
        known = [s for s in sizes if s is not None]
        size_text = f"all {min(known):,} items" if known else "every item"
        callee = dotted_name(site.node.func) or d.method
        message = f"`{callee}(...)` sends {size_text} to the workers one at a time (no `chunksize`)"
        fix = _fix(ctx, d, its)
        ctx.report(site.node, message, fixes=[fix] if fix is not None else [])


# ---- fix -----------------------------------------------------------------------------------

def _sized_name(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> Optional[str]:
    """The name of the iterable when `len(name)` is valid at the call."""
    bound = _binding_value(model, expr, scope, seq)
    if bound is None:
        return None
    value, vscope, vseq = bound
    assert isinstance(expr, cst.Name)
    if isinstance(value, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.DictComp)):
        return expr.value
    if isinstance(value, cst.Call):
        func = model.resolve(value.func, vscope, vseq)
        if func.kind == ValueKind.REF and (func.qualname in SIZED_REFS or (
                func.qualname in SIZED_BUILDERS and model.binding_before(func.qualname, vscope, vseq) is None)):
            return expr.value
        if model.resolve(value, vscope, vseq).is_type("ndarray", "dataframe"):
            return expr.value
    return None


def _workers_expr(model: ModuleModel, d: Dispatch) -> Optional[str]:
    ctor = d.receiver.node
    if not isinstance(ctor, cst.Call):
        return None
    name = "max_workers" if d.receiver.is_type(ObjectType.PROCESS_POOL_EXECUTOR) else "processes"
    arg = get_arg(ctor, name, 0)
    site = d.site
    if arg is None:
        if any(a.star for a in ctor.args):
            return None
        os_b = model.binding_before("os", site.scope, site.seq)
        if os_b is not None and os_b.kind == "import" and os_b.qualname == "os":
            return "(os.cpu_count() or 1)"
        return None
    value = arg.value
    if int_value(value) is not None:
        return model.module.code_for_node(value)
    if isinstance(value, cst.Name):
        from mpguard.facts.futures import site_of_call

        ctor_site = site_of_call(model, ctor)
        if ctor_site is None:
            return None
        a = model.binding_before(value.value, ctor_site.scope, ctor_site.seq)
        b = model.binding_before(value.value, site.scope, site.seq)
        if a is not None and a is b:
            return value.value
        return None
    if isinstance(value, cst.Call) and not value.args:
        f = model.resolve(value.func, site.scope, site.seq)
        text = dotted_name(value.func)
        if f.kind == ValueKind.REF and f.qualname in CPU_COUNT and text:
            return f"({text}() or 1)" if f.qualname == "os.cpu_count" else f"{text}()"
    return None


def _fix(ctx: RuleContext, d: Dispatch, its: list[cst.Arg]):
    model = ctx.model
    site = d.site
    call = site.node
    items = _sized_name(model, its[0].value, site.scope, site.seq) if len(its) == 1 else None
    workers = _workers_expr(model, d) if items else None
    if not (items and workers):
        # No constant: a feeder that throttles itself (a semaphore released per result) waits
        # forever for a chunk bigger than what it lets through (RULES.md, "Fix safety").
        return None
    value = f"max(1, len({items}) // (4 * {workers}))"

    def plan() -> MultiEdit:
        args = list(call.args)
        last = args[-1]
        new_arg = cst.Arg(
            value=cst.parse_expression(value), keyword=cst.Name("chunksize"),
            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                  whitespace_after=cst.SimpleWhitespace("")),
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                                     whitespace_after_arg=cst.SimpleWhitespace(""))
        if isinstance(last.comma, cst.Comma) and isinstance(last.comma.whitespace_after, cst.ParenthesizedWhitespace):
            args[-1] = last  # multi-line call with a trailing comma: add one more line
            new_arg = new_arg.with_changes(comma=cst.Comma(whitespace_after=last.comma.whitespace_after))
        args.append(new_arg)
        return MultiEdit().replace_node(
            call, lambda updated: updated.with_changes(args=_rebuild(updated.args, args, call.args)))

    return ctx.fix("Add chunksize", Safety.UNSAFE, plan, preferred=True)


def _rebuild(updated_args, planned, original_args):
    out = list(planned)
    for i, orig in enumerate(original_args):
        upd = updated_args[i]
        if upd is not orig:
            out[i] = out[i].with_changes(value=upd.value)
    return out


RULE = Rule(
    code="MP302",
    summary="`Pool.imap`/`imap_unordered` or `ProcessPoolExecutor.map` without `chunksize` over a long iterable.",
    why="""
`Pool.imap`, `Pool.imap_unordered` and `ProcessPoolExecutor.map` default to `chunksize=1`: every
item is pickled and sent to a worker separately, and every result comes back separately. With many
short tasks the inter-process round-trips dominate and the "parallel" version can be slower than a
loop (`Pool.map`/`starmap` compute a chunksize themselves, so they are not reported).
""",
    fix_doc="""
**Add chunksize** (unsafe: results of `imap_unordered` arrive in larger batches), offered only
when the length of the iterable and the number of workers are known at the call: it adds
`chunksize=max(1, len(items) // (4 * workers))` (about four chunks per worker). Otherwise pick a
constant by hand: no constant is offered, because a feeder that throttles itself (releasing one
item per finished result) would wait forever for a chunk bigger than what it lets through. A handful of long tasks over small
arguments (for example `np.array_split(data, n)`) is fine with the default and not reported.
""",
    check=check,
    name="default-chunksize",
    severity=Severity.HINT,
    fix=Fixable.SOMETIMES,
)
