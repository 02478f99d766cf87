"""Calls and dispatches: which call ships a callable to a worker (process, pool, executor or
thread), with what, and the call-site indexes every rule shares."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.semantic.apis import EVERY, SPAWNED, Api, ApiKind
from mpguard.semantic.kinds import DispatchApi
from mpguard.semantic.library import CONSTRUCTORS, EXECUTOR_METHODS, POOL_METHODS
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import UNKNOWN, CallSite, FunctionInfo, Scope, Value
from mpguard.semantic.walk import semantic_fields, walk_tree

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel


_SPAWNED_APIS = frozenset({DispatchApi.PROCESS, DispatchApi.POOL_INIT, DispatchApi.EXECUTOR_INIT,
                           DispatchApi.LIBRARY_TARGET, DispatchApi.LIBRARY_INIT})


@dataclass(frozen=True, eq=False)
class Dispatch:
    site: CallSite
    api: str  # a DispatchApi value: pool.map, executor.submit, process, pool.init, executor.init, ...
    receiver: Value  # the pool/executor/process instance
    worker: Optional[cst.Arg]
    worker_role: str  # task | target | initializer
    # Process APIs of other libraries (semantic.apis): the row's name, how it pickles the worker
    # (pickle | dill | cloudpickle | unknown), under which start methods, how messages name it.
    library: Optional[str] = None
    pickler: str = "pickle"
    pickled_under: Optional[frozenset[str]] = None  # None: from `api` (tasks: every method)
    label: Optional[str] = None

    @property
    def is_process(self) -> bool:
        return self.library is not None or self.receiver.qualname in ("mp.Pool", "ProcessPoolExecutor", "mp.Process")

    @property
    def start_methods(self) -> frozenset[str]:
        """The start methods under which the worker is pickled: every one for tasks (they travel
        through a queue); spawn and forkserver for what a `Process` object carries."""
        if self.pickled_under is not None:
            return self.pickled_under
        return SPAWNED if self.api in _SPAWNED_APIS else EVERY

    @property
    def method(self) -> str:
        return self.api.split(".", 1)[-1]


def _first_keyword(call: cst.Call, names: tuple[str, ...]) -> Optional[cst.Arg]:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value in names), None)


def iterables(d: Dispatch) -> list[cst.Arg]:
    """The iterable arguments of a map-like dispatch (`executor.map` takes several)."""
    call = d.site.node
    if d.api == DispatchApi.EXECUTOR_MAP:
        return [a for a in call.args[1:] if a.keyword is None]
    arg = get_arg(call, "iterable", 1)
    return [arg] if arg is not None else []


class Calls:
    def __init__(self, model: "ModuleModel") -> None:
        self.model = model

    @cached_property
    def site_by_call(self) -> dict[int, CallSite]:
        """id(Call node) -> its call site."""
        return {id(s.node): s for s in self.model.calls}

    def site_of(self, call: cst.CSTNode) -> Optional[CallSite]:
        return self.site_by_call.get(id(call))

    @cached_property
    def site_by_arg(self) -> dict[int, CallSite]:
        """id(Arg node) -> the call site it is an argument of."""
        out: dict[int, CallSite] = {}
        for site in self.model.calls:
            for arg in site.node.args:
                out[id(arg)] = site
        return out

    @cached_property
    def comprehension_of_for(self) -> dict[int, Scope]:
        """id(CompFor node) -> the comprehension scope it belongs to."""
        out: dict[int, Scope] = {}
        for scope in self.model.scopes:
            if scope.kind == "comprehension":
                cf = getattr(scope.node, "for_in", None)
                while cf is not None:
                    out[id(cf)] = scope
                    cf = cf.inner_for_in
        return out

    @cached_property
    def callers(self) -> dict[int, list[CallSite]]:
        """id(FunctionInfo) -> the call sites that may run it."""
        table: dict[int, list[CallSite]] = {}
        for site in self.model.calls:
            for g in self.model.called_functions(site):
                table.setdefault(id(g), []).append(site)
        return table

    def callers_of(self, f: FunctionInfo) -> list[CallSite]:
        return self.callers.get(id(f), [])

    def expected_to_raise(self, site: CallSite) -> bool:
        """The call sits in `with pytest.raises(...)` / `with self.assertRaises(...)`: the test
        expects it to raise, so the object it would create never exists."""
        for item in site.with_items:
            call = item.item
            if not isinstance(call, cst.Call):
                continue
            func = self.model.resolve(call.func, site.scope, site.seq)
            name = func.qualname if func.kind == "ref" else None
            if name == "pytest.raises" or (isinstance(call.func, cst.Attribute) and isinstance(
                    call.func.value, cst.Name) and call.func.value.value == "self"
                    and call.func.attr.value.startswith("assertRaises")):
                return True
        return False

    @cached_property
    def _probed_calls(self) -> frozenset[int]:
        """ids of calls in the body of a `try` whose handlers fall back instead of raising."""
        out: set[int] = set()
        stack: list[tuple[cst.CSTNode, bool]] = [(self.model.module, False)]
        while stack:
            node, probed = stack.pop()
            if probed and isinstance(node, cst.Call):
                out.add(id(node))
            body = None
            if isinstance(node, cst.Try) and node.handlers and not any(
                    isinstance(n, cst.Raise) for h in node.handlers for n in walk_tree(h.body)):
                body = node.body
            for name in semantic_fields(type(node)):
                value = getattr(node, name)
                children = value if type(value) in (list, tuple) else (value,)
                stack.extend((c, probed or c is body) for c in children if isinstance(c, cst.CSTNode))
        return frozenset(out)

    def probed_in_try(self, site: CallSite) -> bool:
        """The call is tried and its failure handled by a fallback (`try: get_context("fork")
        except ValueError: FORK = False`): an availability probe, not a use."""
        return id(site.node) in self._probed_calls

    # ---- dispatches ----------------------------------------------------------------------

    @cached_property
    def _dispatch_by_site(self) -> dict[int, Optional[Dispatch]]:
        return {}

    @cached_property
    def all_dispatches(self) -> list[Dispatch]:
        """Every call that ships a callable to another process (or a thread pool, flagged),
        whatever pickles it (a DataLoader ships up to two: one dispatch each)."""
        out: list[Dispatch] = []
        for site in self.model.calls:
            first = self.dispatch_of(site)
            if first is not None:
                out.append(first)
                out.extend(self._more_library_dispatches.get(id(site), ()))
        return out

    @cached_property
    def dispatches(self) -> list[Dispatch]:
        """The dispatches whose worker the standard `pickle` ships (what the MP2 rules check):
        libraries that pickle with dill or cloudpickle ship lambdas and closures fine."""
        return [d for d in self.all_dispatches if d.pickler == "pickle"]

    @cached_property
    def _more_library_dispatches(self) -> dict[int, list[Dispatch]]:
        return {}

    def dispatch_of(self, site: CallSite) -> Optional[Dispatch]:
        cache = self._dispatch_by_site
        if id(site) in cache:
            return cache[id(site)]
        d = self._dispatch_of(site)
        cache[id(site)] = d
        return d

    def _dispatch_of(self, site: CallSite) -> Optional["Dispatch"]:
        call = site.node
        func = self.model.resolve(call.func, site.scope, site.seq)
        library = self._library_dispatches(site, func)
        if library:
            self._more_library_dispatches[id(site)] = library[1:]
            return library[0]
        if func.kind == "method" and func.receiver is not None and func.receiver.kind == "instance":
            recv = func.receiver
            name = func.qualname or ""
            if recv.qualname in ("mp.Pool", "ThreadPool") and name in POOL_METHODS:
                worker = get_arg(call, "func", 0)
                return Dispatch(site, "pool." + name, recv, worker, worker_role="task")
            if recv.qualname in ("ProcessPoolExecutor", "ThreadPoolExecutor") and name in EXECUTOR_METHODS:
                worker = get_arg(call, "fn", 0)
                return Dispatch(site, "executor." + name, recv, worker, worker_role="task")
            if recv.qualname == "mp.context" and name in ("Process", "Pool"):
                # ctx.Process(target=...) / ctx.Pool(initializer=...)
                inst = self.model.resolve(call, site.scope, site.seq)
                return self._constructor_dispatch(site, inst)
            if name == "run_in_executor":
                ex_arg = get_arg(call, None, 0)
                ex = self.model.resolve(ex_arg.value, site.scope, site.seq) if ex_arg else UNKNOWN
                if ex.is_type("ProcessPoolExecutor"):
                    worker = get_arg(call, None, 1)
                    return Dispatch(site, "executor.submit", ex, worker, worker_role="task")
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_in_executor":
            # `loop.run_in_executor(pool, f, *args)`: the loop itself is rarely resolvable; the
            # executor argument decides (only a ProcessPoolExecutor pickles).
            ex_arg = get_arg(call, None, 0)
            ex = self.model.resolve(ex_arg.value, site.scope, site.seq) if ex_arg else UNKNOWN
            if ex.is_type("ProcessPoolExecutor"):
                return Dispatch(site, "executor.submit", ex, get_arg(call, None, 1), worker_role="task")
        inst = None
        if func.kind == "ref" and CONSTRUCTORS.get(func.qualname or "") in (
                "mp.Process", "mp.Pool", "ProcessPoolExecutor", "Thread", "ThreadPool", "ThreadPoolExecutor"):
            inst = self.model.resolve(call, site.scope, site.seq)
        elif func.kind == "class" and func.class_info is not None and self.model.class_is_process(func.class_info):
            inst = self.model.resolve(call, site.scope, site.seq)
        if inst is not None and inst.kind == "instance":
            return self._constructor_dispatch(site, inst)
        return None

    def _constructor_dispatch(self, site: CallSite, inst: Value) -> Optional["Dispatch"]:
        call = site.node
        if inst.qualname in ("mp.Process", "Thread"):
            target = get_arg(call, "target", 1 if inst.qualname == "Thread" or inst.class_info is None else None)
            if target is None:
                target = get_arg(call, "target", None)
            return Dispatch(site, "process", inst, target, worker_role="target")
        if inst.qualname in ("mp.Pool", "ThreadPool"):
            init = get_arg(call, "initializer", 1)
            return Dispatch(site, "pool.init", inst, init, worker_role="initializer")
        if inst.qualname in ("ProcessPoolExecutor", "ThreadPoolExecutor"):
            init = get_arg(call, "initializer", 3 if inst.qualname == "ProcessPoolExecutor" else 2)
            return Dispatch(site, "executor.init", inst, init, worker_role="initializer")
        return None

    # ---- process APIs of other libraries (semantic.apis) ---------------------------------------

    def api_of(self, value: Value) -> Optional[Api]:
        """The table row of an instance a library API made."""
        return self.model.apis.get(value.qualname or "") if value.kind == "instance" else None

    def _library_dispatches(self, site: CallSite, func: Value) -> list[Dispatch]:
        call = site.node
        if func.kind == "method" and func.receiver is not None:
            api = self.api_of(func.receiver)
            if api is not None and api.kind == ApiKind.POOL and func.qualname in api.methods:
                worker = get_arg(call, None, 0) or _first_keyword(call, ("func", "function", "fn", "f"))
                return [self._library_dispatch(site, api, func.receiver, worker, "task", f".{func.qualname}")]
            return []
        if func.kind == "instance":  # calling an object: `Parallel(n_jobs=2, backend=...)(tasks)`
            api = self.api_of(func)
            if api is not None and api.kind == ApiKind.PARALLEL:
                return [self._library_dispatch(site, api, func, worker, "task", "")
                        for worker in self._delayed_workers(call)]
            return []
        if func.kind not in ("ref", "module") or (func.qualname or "") not in self.model.apis:
            return []
        inst = self.model.resolve(call, site.scope, site.seq)
        api = self.api_of(inst)
        if api is None:
            return []
        out = []
        for param, role in api.workers:
            worker = get_arg(call, param.name, param.position)
            if worker is not None:
                out.append(self._library_dispatch(site, api, inst, worker, role, ""))
        return out

    def _library_dispatch(self, site: CallSite, api: Api, receiver: Value, worker: Optional[cst.Arg],
                          role: str, method: str) -> Dispatch:
        if role == "task":
            kind = f"{api.dispatch_prefix}{method or '.task'}" if api.dispatch_prefix != "library" else DispatchApi.LIBRARY_TASK
            pickled_under = api.pickled_under
        else:  # a process object carries it: pickled when a child is spawned
            kind = DispatchApi.LIBRARY_TARGET if role == "target" else DispatchApi.LIBRARY_INIT
            if api.dispatch_prefix != "library":
                kind = f"{api.dispatch_prefix}.init"
            pickled_under = SPAWNED
        label = api.label if not method else f"{api.label.rstrip('`')}{method}()`"
        if role == "initializer" and api.kind == ApiKind.POOL:
            label = f"{api.label.rstrip('`')}(initializer=...)`"
        return Dispatch(site, kind, receiver, worker, role, library=api.name, pickler=self._pickler(api, receiver),
                        pickled_under=pickled_under, label=label)

    def _pickler(self, api: Api, receiver: Value) -> str:
        """The row's pickler, or dill where an argument switches to it (mpire's use_dill=True);
        "unknown" when that argument is not a literal."""
        if api.dill_switch is None or not isinstance(receiver.node, cst.Call):
            return api.pickler
        arg = get_arg(receiver.node, api.dill_switch.name, api.dill_switch.position)
        if arg is None or (isinstance(arg.value, cst.Name) and arg.value.value == "False"):
            return api.pickler
        return "dill" if isinstance(arg.value, cst.Name) and arg.value.value == "True" else "unknown"

    def _delayed_workers(self, call: cst.Call) -> list[Optional[cst.Arg]]:
        """The `f` of every `delayed(f)(...)` among the arguments of a joblib `Parallel` call."""
        found: list[Optional[cst.Arg]] = []
        calls = self

        class Delayed(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                site = calls.site_of(node)
                if site is None:
                    return
                v = calls.model.resolve(node.func, site.scope, site.seq)
                if v.kind in ("ref", "module") and v.qualname == "joblib.delayed":
                    found.append(get_arg(node, "function", 0))

        for arg in call.args:
            arg.value.visit(Delayed())
        return found

    def worker_value(self, d: "Dispatch") -> Value:
        if d.worker is None:
            return UNKNOWN
        return self.model.resolve(d.worker.value, d.site.scope, d.site.seq)

    @cached_property
    def worker_functions(self) -> list[tuple[FunctionInfo, "Dispatch"]]:
        """Local functions used as process workers, with one dispatch each (incl. partial)."""
        out = []
        for d in self.dispatches:
            if not d.is_process:
                continue
            v = self.worker_value(d)
            while v.kind == "partial" and v.inner is not None:
                v = v.inner
            if v.kind in ("function", "method") and v.function is not None:
                out.append((v.function, d))
        return out
