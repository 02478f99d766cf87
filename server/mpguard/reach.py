"""Which code runs where, and in which order: shared by the shared-state and lifecycle rules
(MP5xx, MP6xx).

* :func:`process_workers` - the local functions that run inside worker processes, per dispatch,
  with everything they call (transitively).
* :func:`call_chains` - the chains of call sites from module-level code down to a call site, so
  that two sites in different functions can be put in (an approximate) program order: ``seq`` is
  global source order, so comparing the tuples of seqs of two chains lexicographically says which
  one runs first when both start from the same top-level statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

import libcst as cst

from mpguard.model import CallSite, Dispatch, FunctionInfo, ModuleModel, Scope, Value, dotted_name


@dataclass(eq=False)
class WorkerRun:
    dispatch: Dispatch
    worker: FunctionInfo  # the function handed to the process API
    reach: list[FunctionInfo]  # worker + everything it calls, in BFS order


def _unwrap(v: Value) -> Value:
    while v.kind == "partial" and v.inner is not None:
        v = v.inner
    return v


def process_workers(model: ModuleModel, roles: Iterable[str] = ("task", "target")) -> list[WorkerRun]:
    """Local functions run in worker *processes* (never thread pools), per dispatch."""
    cache = model.__dict__.setdefault("_reach_workers", {})
    key = tuple(sorted(roles))
    if key in cache:
        return cache[key]
    out: list[WorkerRun] = []
    for d in model.iter_process_dispatches():
        if not d.is_process or d.worker_role not in key:
            continue
        f = dispatch_worker_function(model, d)
        if f is None:
            continue
        out.append(WorkerRun(d, f, model.transitive_callees(f)))
    cache[key] = out
    return out


def dispatch_worker_function(model: ModuleModel, d: Dispatch) -> Optional[FunctionInfo]:
    v = _unwrap(model.worker_value(d))
    if v.kind in ("function", "method") and v.function is not None:
        return v.function
    if d.api == "process" and d.worker is None and d.receiver.class_info is not None:
        # class Worker(Process): def run(self) -> the run method is the worker
        return d.receiver.class_info.methods.get("run")
    return None


def callers_of(model: ModuleModel, f: FunctionInfo) -> list[CallSite]:
    table = model.__dict__.get("_reach_callers")
    if table is None:
        table = {}
        for site in model.calls:
            for g in model.called_functions(site):
                table.setdefault(id(g), []).append(site)
        model.__dict__["_reach_callers"] = table
    return table.get(id(f), [])


def call_chains(model: ModuleModel, site: CallSite, limit: int = 24, depth: int = 10) -> list[list[CallSite]]:
    """Chains [outermost call site, ..., site]. A chain whose first site is inside a function
    means: that function is never called from module-level code (a library entry point)."""
    out: list[list[CallSite]] = []

    def walk(chain: list[CallSite], seen: frozenset[int]) -> None:
        if len(out) >= limit:
            return
        head = chain[0]
        f = head.function
        if f is None or len(chain) > depth:
            out.append(chain)
            return
        callers = [c for c in callers_of(model, f) if id(c.function) not in seen or c.function is None]
        if not callers:
            out.append(chain)
            return
        for c in callers:
            walk([c, *chain], seen | {id(f)})

    walk([site], frozenset())
    return out


def chain_key(chain: list[CallSite]) -> tuple[int, ...]:
    return tuple(s.seq for s in chain)


def rooted(chain: list[CallSite]) -> bool:
    return chain[0].function is None


def same_frame(a: CallSite, b: CallSite) -> bool:
    """Both sites run in the same function body (or both in module-level code)."""
    if a.function is not None or b.function is not None:
        return a.function is b.function
    return True


def names_within(node: cst.CSTNode) -> set[int]:
    """ids of every Name node inside `node`."""
    out: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            out.add(id(n))
        stack.extend(n.children)
    return out


def module_scope_of(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def refers_to_module_name(model: ModuleModel, name: str, scope: Scope) -> bool:
    target = scope.lookup_scope(name)
    return target is not None and target.kind == "module"


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
