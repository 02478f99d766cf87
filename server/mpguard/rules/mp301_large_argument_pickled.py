"""MP301 large-argument-pickled: an array / data frame is pickled and sent with every task."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.futures import site_of_call
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, StartMethod, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import Scope, Value
from mpguard.semantic.walk import node_contains

MAP_APIS = {DispatchApi.POOL_MAP, DispatchApi.POOL_IMAP, DispatchApi.POOL_IMAP_UNORDERED, DispatchApi.POOL_MAP_ASYNC,
            DispatchApi.POOL_STARMAP, DispatchApi.POOL_STARMAP_ASYNC, DispatchApi.EXECUTOR_MAP}
SUBMIT_APIS = {DispatchApi.POOL_APPLY_ASYNC, DispatchApi.POOL_APPLY, DispatchApi.EXECUTOR_SUBMIT}
LABEL = {"ndarray": "an array", "dataframe": "a DataFrame"}


def big_value(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> Optional[Value]:
    v = model.resolve(expr, scope, seq)
    return v if v.is_type("ndarray", "dataframe") else None


def _loop_level(model: ModuleModel, scope: Scope, loop_depth: int) -> int:
    return loop_depth + (1 if scope.kind == "comprehension" else 0)


def loop_invariant(model: ModuleModel, name: cst.Name, d: Dispatch) -> bool:
    """The big object is bound outside the loop that dispatches the tasks."""
    site = d.site
    b = model.binding_before(name.value, site.scope, site.seq)
    if b is None or b.kind not in ("assign", "with", "param", "import") or b.scope is None:
        return False
    if b.scope.kind == "comprehension":
        return False
    if b.kind in ("param", "import"):
        return True
    if not isinstance(b.value, cst.Call):
        return False
    vsite = site_of_call(model, b.value)
    if vsite is None:
        return False
    if vsite.function is not site.function:
        return True
    return vsite.loop_depth < _loop_level(model, site.scope, site.loop_depth)


def _names_in(expr: cst.BaseExpression) -> Iterator[cst.Name]:
    """Plain names among the direct items of a tuple/list (or the expression itself)."""
    if isinstance(expr, cst.Name):
        yield expr
    elif isinstance(expr, (cst.Tuple, cst.List)):
        for el in expr.elements:
            if isinstance(el.value, cst.Name):
                yield el.value


def _describe(v: Value, name: str) -> str:
    return f"`{name}` ({LABEL.get(v.qualname or '', 'a large object')})"


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if not d.is_process:
            continue
        if d.api in MAP_APIS:
            _check_map(ctx, d)
        elif d.api in SUBMIT_APIS:
            _check_submit(ctx, d)
        elif d.api == "process":
            _check_process(ctx, d)


def _check_map(ctx: RuleContext, d: Dispatch) -> None:
    model = ctx.model
    site = d.site
    callee = d.api.split(".")[1]
    per = "chunk" if d.api.startswith("pool.") else "task"
    # functools.partial(f, big) as the mapped function: pickled with every chunk/task.
    if d.worker is not None:
        part = d.worker.value
        if isinstance(part, cst.Name):
            b = model.binding_before(part.value, site.scope, site.seq)
            part = b.value if b is not None and b.kind == "assign" and b.value is not None else part
        if isinstance(part, cst.Call) and model.resolve(part, site.scope, site.seq).kind == ValueKind.PARTIAL:
            for arg in part.args[1:]:
                v = big_value(model, arg.value, site.scope, site.seq) if isinstance(arg.value, cst.Name) else None
                if v is None:
                    continue
                name = arg.value.value  # type: ignore[union-attr]
                ctx.report(
                    arg.value if part is d.worker.value else d.worker.value,
                    f"{_describe(v, name)} in the `functools.partial` mapped by `.{callee}()` is pickled "
                    f"for every {per}",
                    related=[] if part is d.worker.value else [(arg.value, f"`{name}` is bound here")],
                )
                return
    # The iterable repeats the same big object in every item.
    call = site.node
    its = [a for a in call.args[1:] if a.keyword is None] if d.api == DispatchApi.EXECUTOR_MAP else [
        a for a in [get_arg(call, "iterable", 1)] if a is not None]
    for it in its:
        found = _repeated_in_iterable(model, d, it.value, site.scope, site.seq)
        if found is None:
            continue
        big, v, how = found
        report_node = big if node_contains(it.value, big) else it.value
        ctx.report(
            report_node,
            f"{_describe(v, big.value)} is pickled once per item: the iterable of `.{callee}()` repeats it",
            related=[] if report_node is big else [(big, f"`{big.value}` is repeated here")],
        )
        return


def _repeated_in_iterable(model: ModuleModel, d: Dispatch, expr: cst.BaseExpression, scope: Scope,
                          seq: int, depth: int = 0):
    if depth > 2:
        return None
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is None or b.kind != "assign" or b.value is None or b.scope is None or b.unpack_index is not None:
            return None
        return _repeated_in_iterable(model, d, b.value, b.scope, b.seq, depth + 1)
    if isinstance(expr, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        comp_scope = model.node_scope.get(id(expr))
        if comp_scope is None:
            return None
        for name in _names_in(expr.elt):
            if comp_scope.lookup_scope(name.value) is comp_scope:
                continue  # a per-item value bound by the comprehension
            v = big_value(model, name, scope, seq)
            if v is not None:
                return name, v, "a comprehension builds one item per task around it"
        return None
    if isinstance(expr, cst.Call):
        func = model.resolve(expr.func, scope, seq)
        qual = func.qualname if func.kind == ValueKind.REF else None
        if qual == "zip" or (isinstance(expr.func, cst.Name) and expr.func.value == "zip"
                             and model.binding_before("zip", scope, seq) is None):
            for a in expr.args:
                got = _repeated_in_iterable(model, d, a.value, scope, seq, depth + 1)
                if got is not None:
                    return got
            return None
        if qual == "itertools.repeat" and expr.args and isinstance(expr.args[0].value, cst.Name):
            v = big_value(model, expr.args[0].value, scope, seq)
            if v is not None:
                return expr.args[0].value, v, "`itertools.repeat`"
        return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Multiply):
        for side in (expr.left, expr.right):
            if isinstance(side, (cst.List, cst.Tuple)):
                for name in _names_in(side):
                    v = big_value(model, name, scope, seq)
                    if v is not None:
                        return name, v, "list repetition"
        return None
    if isinstance(expr, (cst.List, cst.Tuple)):
        seen: dict[str, cst.Name] = {}
        for el in expr.elements:
            for name in _names_in(el.value):
                if name.value in seen:
                    v = big_value(model, name, scope, seq)
                    if v is not None:
                        return seen[name.value], v, "the same object in several items"
                seen[name.value] = name
    return None


def _task_args(d: Dispatch) -> Optional[list[cst.BaseExpression]]:
    call = d.site.node
    if d.api == DispatchApi.EXECUTOR_SUBMIT:
        return [a.value for a in call.args[1:] if not a.star]
    out = []
    args = get_arg(call, "args", 1)
    if args is not None:
        if not isinstance(args.value, (cst.Tuple, cst.List)):
            return out
        out.extend(e.value for e in args.value.elements if isinstance(e, cst.Element))
    kwds = get_arg(call, "kwds", 2)
    if kwds is not None and isinstance(kwds.value, cst.Dict):
        out.extend(e.value for e in kwds.value.elements if isinstance(e, cst.DictElement))
    return out


def _check_submit(ctx: RuleContext, d: Dispatch) -> None:
    model = ctx.model
    site = d.site
    if _loop_level(model, site.scope, site.loop_depth) == 0:
        return  # sent once
    for expr in _task_args(d) or []:
        if not isinstance(expr, cst.Name):
            continue
        v = big_value(model, expr, site.scope, site.seq)
        if v is None or not loop_invariant(model, expr, d):
            continue
        method = d.api.split(".")[1]
        ctx.report(
            expr,
            f"{_describe(v, expr.value)} is pickled again by every `.{method}()` call of this loop",
        )
        return


def _check_process(ctx: RuleContext, d: Dispatch) -> None:
    model = ctx.model
    if d.receiver.class_info is not None:
        return
    method = model.start_method_of(d.receiver)
    if method == StartMethod.FORK:
        return
    call = d.site.node
    values: list[cst.BaseExpression] = []
    args = get_arg(call, "args", 3)
    if args is not None and isinstance(args.value, (cst.Tuple, cst.List)):
        values.extend(e.value for e in args.value.elements if isinstance(e, cst.Element))
    kwargs = get_arg(call, "kwargs", 4)
    if kwargs is not None and isinstance(kwargs.value, cst.Dict):
        values.extend(e.value for e in kwargs.value.elements if isinstance(e, cst.DictElement))
    for expr in values:
        if not isinstance(expr, cst.Name):
            continue
        v = big_value(model, expr, d.site.scope, d.site.seq)
        if v is None:
            continue
        ctx.report(
            expr,
            f"{_describe(v, expr.value)} in `Process(args=...)` is pickled into each `{method}` child",
        )
        return


RULE = Rule(
    code="MP301",
    summary="A NumPy array or pandas DataFrame is pickled and sent to the workers with every task.",
    why="""
Everything a task needs crosses the process boundary by pickling: the function, its arguments, and
anything bound into a `functools.partial`. When the same large array or data frame is repeated in
every item of a `map`/`starmap` iterable (`[(df, i) for i in ...]`, `zip(repeat(df), ...)`), bound
into a `partial` that is mapped, or passed to `submit`/`apply_async` inside a loop, it is serialised
and copied through a pipe once per task (per chunk for `Pool.map`). The parallel version becomes
slower than the serial one and memory spikes in the parent and every child. Under `spawn` and
`forkserver`, `Process(args=...)` copies it into each child as well.
""",
    fix_doc="""
Send large data once: an `initializer=` that loads it (or receives it through `initargs=`) into a
module-level global that the worker reads, `multiprocessing.shared_memory` (pass the block's name)
or `SharedMemoryManager`, `multiprocessing.Array`, or a file path that each worker reads.
Per-task arguments should be small: an index, a key, a slice bound, a path.
""",
    check=check,
    name="large-argument-pickled",
    severity=Severity.WARNING,
)
