"""What crosses the process boundary, and when it is pickled (shared by the MP2 rules).

* The callable of a Pool/Executor *task* (`map`, `apply_async`, `submit`, ...) goes through the
  task queue, so it is pickled under **every** start method.
* `Process(target=...)`, `Pool(initializer=...)` and `ProcessPoolExecutor(initializer=...)` hand
  the callable to a `Process` object, which is pickled only when the child is *spawned*
  (`spawn`, `forkserver`); `fork` children inherit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import CallSite, Scope, Value

EVERY = "every"  # pickled under every start method

ROLE_TEXT = {
    "task": "task function",
    "target": "`Process` target",
    "initializer": "initializer",
}


def when_pickled(model: ModuleModel, d: Dispatch) -> Optional[str]:
    """None when the dispatched callable is never pickled (threads, or a fork child); EVERY for
    pool/executor tasks; else the start method (spawn/forkserver) that pickles it."""
    if not d.is_process:
        return None
    if d.api in ("process", "pool.init", "executor.init"):
        method = model.start_method_of(d.receiver)
        return None if method == "fork" else method
    return EVERY


def is_task(d: Dispatch) -> bool:
    return d.api not in ("process", "pool.init", "executor.init")


def api_text(d: Dispatch) -> str:
    if d.api == "process":
        return "`Process(target=...)`"
    if d.api == "pool.init":
        return "`Pool(initializer=...)`"
    if d.api == "executor.init":
        return "`ProcessPoolExecutor(initializer=...)`"
    kind, method = d.api.split(".", 1)
    return f"`{'Pool' if kind == 'pool' else 'ProcessPoolExecutor'}.{method}()`"


def when_text(when: str) -> str:
    if when == EVERY:
        return "under every start method (tasks travel through a pickled queue)"
    return f"under the `{when}` start method"


def is_partial(model: ModuleModel, call: cst.CSTNode, site: CallSite) -> bool:
    if not isinstance(call, cst.Call):
        return False
    v = model.resolve(call.func, site.scope, site.seq)
    return v.kind == "ref" and v.qualname == "functools.partial"


@dataclass
class Worker:
    """The callable a dispatch ships, after looking through `functools.partial(...)`."""

    dispatch: Dispatch
    value: Value  # unwrapped value
    use: cst.BaseExpression  # the innermost expression at the call site (inside any partial)
    through_partial: bool
    when: str  # EVERY or a start method


def iter_workers(model: ModuleModel) -> Iterator[Worker]:
    """Every callable that is pickled to a child process, with when it is pickled."""
    for d in model.iter_process_dispatches():
        if d.worker is None:
            continue
        when = when_pickled(model, d)
        if when is None:
            continue
        v = model.worker_value(d)
        use = d.worker.value
        through = False
        while isinstance(use, cst.Call) and is_partial(model, use, d.site):
            first = get_arg(use, None, 0)
            if first is None:
                break
            use = first.value
            through = True
        while v.kind == "partial" and v.inner is not None:
            v = v.inner
            through = True
        yield Worker(d, v, use, through, when)


def call_site_of(model: ModuleModel, call: cst.CSTNode) -> Optional[CallSite]:
    return model.facts.calls.site_of(call)


def constructor_qualname(model: ModuleModel, value: Value) -> Optional[str]:
    """The qualified name of the library callable that created an instance (`threading.Lock`)."""
    node = value.node
    if not isinstance(node, cst.Call):
        return None
    site = call_site_of(model, node)
    if site is None:
        return None
    func = model.resolve(node.func, site.scope, site.seq)
    if func.kind == "ref":
        return func.qualname
    if func.kind == "method" and func.receiver is not None:
        recv = func.receiver
        if recv.kind == "instance":
            base = constructor_qualname(model, recv) if recv.qualname == "connection" else recv.qualname
            return f"{base}().{func.qualname}"
    return None


def enclosing_scope_of(model: ModuleModel, node: cst.CSTNode) -> Optional[Scope]:
    """The scope a lambda/def/class node is evaluated in (the parent of its own scope)."""
    own = model.node_scope.get(id(node))
    return own.parent if own is not None else None


def literal_elements(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is not None and b.kind == "assign" and b.unpack_index is None and isinstance(b.value, (cst.Tuple, cst.List)):
            return [e.value for e in b.value.elements if isinstance(e, cst.Element)]
        return []
    if isinstance(expr, (cst.Tuple, cst.List)):
        return [e.value for e in expr.elements if isinstance(e, cst.Element)]
    if isinstance(expr, cst.Dict):
        return [e.value for e in expr.elements if isinstance(e, cst.DictElement)]
    return []


def inherited_payload(model: ModuleModel, d: Dispatch) -> Iterator[cst.BaseExpression]:
    """The objects a dispatch hands to a child process object: `Process(args=, kwargs=)`, a
    `Process` subclass's constructor arguments, `initargs` (inherited under fork, pickled when the
    child is spawned)."""
    call = d.site.node
    if d.api == "process" and d.receiver.class_info is None:
        for name, pos in (("args", 3), ("kwargs", 4)):
            a = get_arg(call, name, pos)
            if a is not None:
                yield from literal_elements(model, a.value, d.site.scope, d.site.seq)
    elif d.api == "process":
        # A Process subclass: its constructor arguments usually end up on `self`, and the whole
        # instance is pickled by `start()` under spawn/forkserver (inherited as a copy under fork).
        for a in call.args:
            if not a.star:
                yield a.value
    elif d.api in ("pool.init", "executor.init") and d.is_process:
        a = get_arg(call, "initargs", 2 if d.api == "pool.init" else 3)
        if a is not None:
            yield from literal_elements(model, a.value, d.site.scope, d.site.seq)
