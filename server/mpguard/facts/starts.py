"""Start methods: the explicit `set_start_method()` calls, the method each process object
uses, which calls start processes, and which of those run when the module is imported."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.semantic.apis import ITERATING_CALLS, Api, ApiKind, Start
from mpguard.semantic.names import dotted_name, get_arg, string_value
from mpguard.semantic.records import CallSite, FunctionInfo, Value

if TYPE_CHECKING:
    from mpguard.config import Config
    from mpguard.facts.calls import Calls
    from mpguard.semantic.model import ModuleModel


_PLATFORM_NAMES = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}


@dataclass(frozen=True, eq=False)
class ProcessStart:
    site: CallSite
    what: str  # human text: "`Pool(...)` starts worker processes"
    value: Value  # the pool / process / manager / executor instance involved
    start_method: str


@dataclass(frozen=True, eq=False)
class ImportTimeStart:
    top_site: CallSite  # the top-level call (or the start itself) that runs at import time
    start: ProcessStart  # the actual process start (maybe inside a function)
    via: Optional[FunctionInfo]  # the function the top-level call runs, when indirect


class Starts:
    def __init__(self, model: "ModuleModel", calls: "Calls") -> None:
        self.model = model
        self.calls = calls

    @cached_property
    def setters(self) -> tuple[tuple[str, CallSite], ...]:
        """`set_start_method(m)` calls with a literal method, in source order."""
        # Built once: rules ask per finding (via method_of), and each answer resolves every call
        # of the module (was O(calls x findings): 6 s on a 6k-line file).
        model = self.model
        out = []
        for site in model.calls:
            v = model.resolve(site.node.func, site.scope, site.seq)
            is_setter = (v.kind == "ref" and v.qualname == "multiprocessing.set_start_method") or (
                v.kind == "method" and v.qualname == "set_start_method"
                and v.receiver is not None and v.receiver.kind == "module"
            )
            if is_setter:
                arg = get_arg(site.node, "method", 0)
                method = string_value(arg.value) if arg else None
                if method:
                    out.append((method, site))
        return tuple(out)

    @cached_property
    def config(self) -> "Config":
        from mpguard.config import Config

        return self.model.config if self.model.config is not None else Config()

    @property
    def target_version(self) -> tuple[int, int]:
        """The oldest Python the code runs on (`target-version`, else `requires-python`)."""
        return self.config.target_version

    def effective_methods(self, value: Optional[Value] = None) -> dict[str, str]:
        """platform -> the start method `value`'s processes use there (every targeted platform).
        A context's literal method, or a `set_start_method()` literal, applies on every platform;
        otherwise each platform's default (or the configured `start-method`)."""
        if value is not None and value.start_method and value.start_method != "default":
            return {p: value.start_method for p in self.config.platforms}
        if self.setters:
            return {p: self.setters[-1][0] for p in self.config.platforms}
        return self.config.start_methods_by_platform()

    def spawn_platforms(self, value: Optional[Value] = None) -> tuple[str, ...]:
        """The targeted platforms where `value`'s children re-import the main module (spawn or
        forkserver): where a spawn-only pitfall fails. Empty: fork everywhere."""
        return tuple(p for p, m in self.effective_methods(value).items() if m != "fork")

    def where_text(self, value: Optional[Value] = None) -> str:
        """Where a spawn-only pitfall of `value`'s processes fails, for a message: " under `spawn`"
        when the program or the configuration names the method, else the targeted platforms whose
        default re-imports the main module (" on macOS/Windows", " on Linux 3.14+/macOS/Windows")."""
        explicit = (value is not None and value.start_method not in (None, "default")) or self.setters \
            or self.config.start_method
        platforms = self.spawn_platforms(value)
        if explicit or not platforms:
            return f" under `{self.method_of(value) if value is not None else self.module_method}`"
        names = [_PLATFORM_NAMES[p] + (" 3.14+" if p == "linux" else "") for p in platforms]
        return " on " + "/".join(names)  # short: messages stay within 100 characters

    @property
    def module_method(self) -> str:
        """The start method processes use when no context is given explicitly."""
        if self.setters:
            return self.setters[-1][0]
        return self.model.default_start_method

    def method_of(self, value: Value) -> str:
        if value.start_method and value.start_method != "default":
            return value.start_method
        return self.module_method

    @cached_property
    def methods_in_use(self) -> frozenset[str]:
        """Every start method a process object of this module can have: `method_of` answers the
        module's method or a context's, and a context's comes from a `get_context("...")` literal
        (contexts made from it inherit it). A rule whose declared start methods miss them all
        cannot fire here: the engine does not run it."""
        model = self.model
        out = {self.module_method, *(method for method, _ in self.setters)}
        for site in model.calls:
            v = model.resolve(site.node.func, site.scope, site.seq)
            if (v.kind == "ref" and v.qualname == "multiprocessing.get_context") or (
                    v.kind == "method" and v.qualname == "get_context"):
                arg = get_arg(site.node, "method", 0)
                method = string_value(arg.value) if arg else None
                if method:
                    out.add(method)
            elif v.kind in ("ref", "module") and (v.qualname or "") in model.apis:
                inst = model.resolve(site.node, site.scope, site.seq)
                if inst.kind == "instance" and inst.start_method:  # torch's spawn(), mpire's fork
                    out.add(inst.start_method)
        return frozenset(out)

    def process_start_of(self, site: CallSite) -> Optional[ProcessStart]:
        """If this call starts (or immediately needs) child processes, describe it."""
        model = self.model
        call = site.node
        func = model.resolve(call.func, site.scope, site.seq)
        library = self._library_start(site, func)
        if library is not None:
            return library
        # Constructors that start processes at once: Pool(...), Manager(), ctx.Pool(...).
        inst = None
        if func.kind == "ref" or (func.kind == "method" and func.receiver is not None
                                   and func.receiver.is_type("mp.context")):
            inst = model.resolve(call, site.scope, site.seq)
            if inst.is_type("mp.Pool"):
                return ProcessStart(site, f"`{_callee_text(call)}(...)` starts its worker processes", inst,
                                    self.method_of(inst))
            if inst.is_type("mp.Manager"):
                return ProcessStart(site, f"`{_callee_text(call)}()` starts a manager server process", inst,
                                    self.method_of(inst))
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_in_executor":
            d = self.calls.dispatch_of(site)  # the loop is rarely resolvable: the executor decides
            if d is not None and d.receiver.is_type("ProcessPoolExecutor"):
                return ProcessStart(site, "`run_in_executor(...)` on a ProcessPoolExecutor starts its worker "
                                          "processes", d.receiver, self.method_of(d.receiver))
        if func.kind == "method" and func.receiver is not None and func.receiver.kind == "instance":
            recv = func.receiver
            name = func.qualname
            if recv.qualname == "mp.Process" and name == "start":
                return ProcessStart(site, "`.start()` launches a child process", recv, self.method_of(recv))
            if recv.qualname == "mp.Manager" and name == "start":
                return ProcessStart(site, "`.start()` launches the manager's server process", recv,
                                    self.method_of(recv))
            if recv.qualname == "ProcessPoolExecutor" and name in ("submit", "map"):
                return ProcessStart(site, f"`.{name}(...)` on a ProcessPoolExecutor starts its worker processes",
                                    recv, self.method_of(recv))
        return None

    def _library_start(self, site: CallSite, func: Value) -> Optional[ProcessStart]:
        """Process starts of the APIs of other libraries (semantic.apis), whatever they pickle
        with: children that re-import the main module run its unguarded code all the same."""
        model = self.model
        apis = model.apis
        if func.kind in ("ref", "module") and (func.qualname or "") in apis:
            inst = model.resolve(site.node, site.scope, site.seq)
            api = apis.get(inst.qualname or "") if inst.kind == "instance" else None
            if api is not None and api.starts == Start.CALL:
                what = "its worker processes" if api.kind in (ApiKind.POOL, ApiKind.MAP) else "a process"
                return ProcessStart(site, f"{api.label} starts {what}", inst, self.method_of(inst))
            return None
        if func.kind == "instance" and func.qualname in apis and apis[func.qualname].kind == ApiKind.PARALLEL:
            return ProcessStart(site, f"{apis[func.qualname].label} starts its worker processes", func,
                                self.method_of(func))
        if func.kind == "method" and func.receiver is not None and func.receiver.kind == "instance":
            api = apis.get(func.receiver.qualname or "")
            if api is None:
                return None
            if api.starts == Start.DISPATCH and func.qualname in api.methods:
                return ProcessStart(site, f"`.{func.qualname}(...)` on a {api.label} starts its worker processes",
                                    func.receiver, self.method_of(func.receiver))
            if api.starts == Start.START and func.qualname == "start":
                return ProcessStart(site, "`.start()` launches a child process", func.receiver,
                                    self.method_of(func.receiver))
            return None
        if func.kind == "function" and func.function is not None:
            decorated = self.process_decorator(func.function)
            if decorated is not None:
                return ProcessStart(site, f"`{func.function.name}()` starts a process ({decorated[0].label})", func,
                                    self.module_method)
        callee = dotted_name(site.node.func)
        first = get_arg(site.node, None, 0)
        if callee in ITERATING_CALLS and first is not None:  # `iter(loader)`, `enumerate(loader)`
            loader = model.resolve(first.value, site.scope, site.seq)
            api = apis.get(loader.qualname or "") if loader.kind == "instance" else None
            if api is not None and api.starts == Start.ITERATE:
                return ProcessStart(site, f"`{callee}(...)` over a {api.label} starts its workers", loader,
                                    self.method_of(loader))
        return None

    def loader_loops(self) -> list[ImportTimeStart]:
        """`for batch in loader:` at the top level of the module, over a DataLoader with workers:
        each iteration starts them (the loop header stands for the call the other starts have)."""
        model = self.model
        out = []
        for index, stmt in enumerate(model.module.body):
            if not isinstance(stmt, cst.For):
                continue
            loader = model.resolve(stmt.iter, model.module_scope)
            api = model.apis.get(loader.qualname or "") if loader.kind == "instance" else None
            if api is None or api.starts != Start.ITERATE:
                continue
            site = CallSite(stmt.iter, model.module_scope, None, index, False, 0, 1 << 59, stmt)  # type: ignore[arg-type]
            out.append(ImportTimeStart(site, ProcessStart(
                site, f"`for ... in {dotted_name(stmt.iter) or 'loader'}` over a {api.label} starts its workers",
                loader, self.method_of(loader)), None))
        return out

    def process_decorator(self, function: FunctionInfo) -> Optional[tuple["Api", cst.Decorator]]:
        """The table row and the decorator that make each call start a process (pebble's)."""
        node = function.node
        for dec in getattr(node, "decorators", ()):
            expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
            v = self.model.resolve(expr, function.defining_scope)
            api = self.model.apis.get(v.qualname or "") if v.kind in ("ref", "module") else None
            if api is not None and api.kind == ApiKind.DECORATOR:
                return api, dec
        return None

    def never_started(self, site: CallSite) -> bool:
        """`Process(...)` built here is never started: no `.start` is reached and the object goes
        nowhere that could start it (assertions only look at it). Nothing is pickled then."""
        from mpguard.facts.futures import trace

        inst = self.model.resolve(site.node, site.scope, site.seq)
        if not inst.is_type("mp.Process") or inst.class_info is not None:
            return False  # a subclass may start itself
        for event in trace(self.model, site.node, site.scope):
            if event.kind == "attr" and event.attr == "start":
                return False
            if event.kind == "escape" and not self._only_asserted(event.node):
                return False
        return True

    def _only_asserted(self, node: cst.CSTNode) -> bool:
        parent = self.model.parents.get(id(node))
        if isinstance(parent, cst.Assert):
            return True
        site = self.calls.site_by_arg.get(id(parent)) if isinstance(parent, cst.Arg) else None
        func = site.node.func if site is not None else None
        return isinstance(func, cst.Attribute) and func.attr.value.startswith("assert")

    @cached_property
    def import_time_starts(self) -> list[ImportTimeStart]:
        model = self.model
        out: list[ImportTimeStart] = []
        reached = model.functions_run_at_import()
        for site in model.calls:
            start = self.process_start_of(site)
            if start is None:
                continue
            if site.import_time:
                out.append(ImportTimeStart(site, start, None))
            elif id(site.node) in model.calls_under_inner_guard:
                continue
            elif site.function is not None and id(site.function) in reached:
                chain = model.callers_chain(site.function, import_time=True)
                if chain:
                    out.append(ImportTimeStart(chain[0], start, site.function))
        out.extend(self.loader_loops())
        return out


def _callee_text(call: cst.Call) -> str:
    return dotted_name(call.func) or "Pool"
