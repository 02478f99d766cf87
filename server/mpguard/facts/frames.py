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
from functools import cached_property
from typing import Iterable, Optional

from mpguard.facts.calls import Dispatch
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import bool_keyword, method_name, receiver_text  # noqa: F401 - re-exported
from mpguard.semantic.records import CallSite, FunctionInfo, Scope, Value, module_scope_of  # noqa: F401
from mpguard.semantic.walk import names_within  # noqa: F401 - re-exported


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
    return model.facts.frames.workers(tuple(sorted(roles)))


def dispatch_worker_function(model: ModuleModel, d: Dispatch) -> Optional[FunctionInfo]:
    v = _unwrap(model.worker_value(d))
    if v.kind in ("function", "method") and v.function is not None:
        return v.function
    if d.api == "process" and d.worker is None and d.receiver.class_info is not None:
        # class Worker(Process): def run(self) -> the run method is the worker
        return d.receiver.class_info.methods.get("run")
    return None


def callers_of(model: ModuleModel, f: FunctionInfo) -> list[CallSite]:
    return model.facts.calls.callers_of(f)


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


def refers_to_module_name(model: ModuleModel, name: str, scope: Scope) -> bool:
    target = scope.lookup_scope(name)
    return target is not None and target.kind == "module"


class Frames:
    """Which code runs where: the functions run in worker processes, per dispatch."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self._workers: dict[tuple[str, ...], list[WorkerRun]] = {}

    @cached_property
    def scopes_by_function(self) -> dict[int, list[Scope]]:
        """id(FunctionInfo) (0: module level) -> the scopes whose code runs in its frame."""
        table: dict[int, list[Scope]] = {}
        for s in self.model.scopes:
            key = id(s.function) if s.function is not None else 0
            table.setdefault(key, []).append(s)
        return table

    def workers(self, roles: tuple[str, ...] = ("target", "task")) -> list[WorkerRun]:
        got = self._workers.get(roles)
        if got is None:
            got = self._workers[roles] = self._build_workers(roles)
        return got

    def _build_workers(self, key: tuple[str, ...]) -> list[WorkerRun]:
        model = self.model
        out: list[WorkerRun] = []
        for d in model.facts.calls.dispatches:
            if not d.is_process or d.worker_role not in key:
                continue
            f = dispatch_worker_function(model, d)
            if f is None:
                continue
            out.append(WorkerRun(d, f, model.transitive_callees(f)))
        return out
