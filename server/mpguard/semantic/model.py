"""The module model: scopes, bindings, uses, call sites and the call graph of one module, built
in one lean pass.

One ``libcst.parse_module`` per text, then a single hand-written traversal that skips whitespace
and punctuation nodes (about 20x cheaper than a ``CSTVisitor`` pass, which dispatches on every
token). No libcst metadata provider is used: scopes, import aliases, the ``__main__`` guard and a
call graph are tracked here; positions are computed only for the nodes that get reported
(:mod:`mpguard.positions`). Names are resolved by the injected :class:`Resolver`; what the rules
share beyond that (dispatches, start methods, pools...) lives in :mod:`mpguard.facts`, built once
per model (``model.facts``).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

import libcst as cst

from mpguard.incremental import Layout
from mpguard.positions import PositionIndex
from mpguard.semantic.apis import api_table
from mpguard.semantic.kinds import BindingKind, ScopeKind
from mpguard.semantic.library import _STAR_EXPORTS, canonical
from mpguard.semantic.names import dotted_name, is_main_guard_test
from mpguard.semantic.reaching import Reaching
from mpguard.semantic.records import (
    Binding, CallSite, ClassInfo, FunctionInfo, Scope, Use, Value, scope_within,
)
from mpguard.semantic.resolver import Resolver
from mpguard.semantic.walk import _semantic_fields, walk_tree

if TYPE_CHECKING:
    from mpguard.config import Config
    from mpguard.facts import Facts
    from mpguard.facts.calls import Dispatch


class ModuleModel:
    """The semantic index of one module (built by one traversal in ``__init__``) and the entry
    point to its resolver and facts. Read-only once built."""

    def __init__(self, module: cst.Module, text: str, path: Optional[str] = None,
                 default_start_method: str = "spawn", layout: Optional[Layout] = None,
                 config: Optional["Config"] = None) -> None:
        self.module = module
        self.text = text
        self.path = path
        self.default_start_method = default_start_method
        # target Python, platforms and declared process APIs (None: the defaults)
        self.config = config
        self.apis = api_table(config.process_apis if config is not None else ())
        self.module_scope = Scope(ScopeKind.MODULE, module, None)
        self.scopes: list[Scope] = [self.module_scope]
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.calls: list[CallSite] = []
        self.lambdas: list[tuple[cst.Lambda, Scope]] = []
        self.guards: list[tuple[int, cst.If]] = []  # (top index, node) of `if __name__ == ...`
        self.node_top: dict[int, int] = {}  # id(node) -> index of its top-level statement
        self.node_stmt: dict[int, cst.CSTNode] = {}  # id(node) -> innermost statement (positions hint)
        self.node_scope: dict[int, Scope] = {}  # id(def/lambda node) -> its own scope
        self.parents: dict[int, cst.CSTNode] = {}  # id(Call/Lambda/Name) -> parent node
        # statement offsets, from (and for) incremental re-parsing
        self.layout: Optional[Layout] = layout
        self._positions = PositionIndex(module, text, layout.starts if layout is not None else None)
        self.resolver = Resolver(self)  # swapped by `resolving_with` (the type-aware lane)
        self._seq = 0
        # traversal state
        self._scope = self.module_scope
        self._function: Optional[FunctionInfo] = None
        self._top = -1
        self._guarded = False
        self._loop = 0
        self._with: list[cst.WithItem] = []
        self._statement: cst.CSTNode = module
        self._build()

    # ---- traversal -------------------------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _build(self) -> None:
        for index, stmt in enumerate(self.module.body):
            self._top = index
            if isinstance(stmt, cst.If) and is_main_guard_test(stmt.test):
                self.guards.append((index, stmt))
                self.node_top[id(stmt)] = index
                self._statement = stmt
                self._visit(stmt.test, stmt)
                self._guarded = True
                self._visit(stmt.body, stmt)
                self._guarded = False
                if stmt.orelse is not None:
                    self._visit(stmt.orelse, stmt)
                continue
            self._visit(stmt, self.module)
        self._top = -1
        self._finish()

    def _visit(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, parent)
        else:
            self._children(node)

    def _children(self, node: cst.CSTNode) -> None:
        for name in _semantic_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                self._visit(value, node)
            elif type(value) in (list, tuple):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        self._visit(item, node)

    def _mark(self, node: cst.CSTNode) -> None:
        self.node_top[id(node)] = self._top
        self.node_stmt[id(node)] = self._statement

    # statements --------------------------------------------------------------------------

    def _v_simple_line(self, node: cst.SimpleStatementLine, parent: cst.CSTNode) -> None:
        for small in node.body:
            self._statement = small
            self._mark(small)
            self._visit(small, node)

    def _v_compound(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        self._statement = node
        self._mark(node)
        self._children(node)

    def _v_loop(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        self._statement = node
        self._mark(node)
        if isinstance(node, cst.For):
            self._visit(node.iter, node)
            self._bind_target(node.target, BindingKind.FOR, node, None)
        else:
            self._visit(node.test, node)  # type: ignore[attr-defined]
        self._loop += 1
        self._visit(node.body, node)  # type: ignore[attr-defined]
        self._loop -= 1
        if node.orelse is not None:  # type: ignore[attr-defined]
            self._visit(node.orelse, node)  # type: ignore[attr-defined]

    def _v_with(self, node: cst.With, parent: cst.CSTNode) -> None:
        self._statement = node
        self._mark(node)
        for item in node.items:
            self._visit(item.item, item)
            if item.asname is not None:
                self._bind_target(item.asname.name, BindingKind.WITH, node, item.item)
        depth = len(self._with)
        self._with.extend(node.items)
        self._visit(node.body, node)
        del self._with[depth:]

    def _v_function(self, node: cst.FunctionDef, parent: cst.CSTNode) -> None:
        self._mark(node)
        for dec in node.decorators:
            self._visit(dec.decorator, dec)
        self._visit_params(node.params, defaults_only=True)
        outer = self._scope
        cls = outer.cls if outer.kind == "class" else None
        scope = Scope(ScopeKind.FUNCTION, node, outer)
        info = FunctionInfo(
            name=node.name.value,
            node=node,
            scope=scope,
            defining_scope=outer,
            top_index=self._top,
            guarded=self._guarded,
            is_async=node.asynchronous is not None,
            is_method=cls is not None,
            class_info=cls,
            seq=self._next(),
        )
        scope.function = info
        self.functions.append(info)
        self.scopes.append(scope)
        self.node_scope[id(node)] = scope
        outer.bind(Binding(node.name.value, BindingKind.DEF, node, seq=info.seq, scope=outer,
                           toplevel=outer.kind == "module" and self._function is None,
                           guarded=self._guarded))
        if cls is not None:
            cls.methods[node.name.value] = info
        self._bind_params(node.params, scope, node)
        saved = (self._scope, self._function, self._loop, self._with)
        self._scope, self._function, self._loop, self._with = scope, info, 0, []
        self._visit(node.body, node)
        self._scope, self._function, self._loop, self._with = saved

    def _v_class(self, node: cst.ClassDef, parent: cst.CSTNode) -> None:
        self._mark(node)
        for dec in node.decorators:
            self._visit(dec.decorator, dec)
        for arg in node.bases:
            self._visit(arg.value, arg)
        for arg in node.keywords:
            self._visit(arg.value, arg)
        outer = self._scope
        scope = Scope(ScopeKind.CLASS, node, outer)
        info = ClassInfo(node.name.value, node, scope, outer, self._top, self._guarded,
                         bases=[a.value for a in node.bases])
        scope.cls = info
        self.classes.append(info)
        self.scopes.append(scope)
        self.node_scope[id(node)] = scope
        outer.bind(Binding(node.name.value, BindingKind.CLASS, node, seq=self._next(), scope=outer,
                           toplevel=outer.kind == "module", guarded=self._guarded))
        saved = self._scope
        self._scope = scope
        self._visit(node.body, node)
        self._scope = saved

    def _v_lambda(self, node: cst.Lambda, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        self._visit_params(node.params, defaults_only=True)
        scope = Scope(ScopeKind.LAMBDA, node, self._scope, function=self._function)
        self.scopes.append(scope)
        self.node_scope[id(node)] = scope
        self.lambdas.append((node, self._scope))
        self._bind_params(node.params, scope, node)
        saved = self._scope
        self._scope = scope
        self._visit(node.body, node)
        self._scope = saved

    def _v_comprehension(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        scope = Scope(ScopeKind.COMPREHENSION, node, self._scope, function=self._function)
        self.scopes.append(scope)
        self.node_scope[id(node)] = scope
        # The first iterable is evaluated in the enclosing scope.
        comp_for: cst.CompFor = node.for_in  # type: ignore[attr-defined]
        self._visit(comp_for.iter, comp_for)
        saved = self._scope
        self._scope = scope
        first = True
        current: Optional[cst.CompFor] = comp_for
        while current is not None:
            if not first:
                self._visit(current.iter, current)
            first = False
            self._bind_target(current.target, BindingKind.FOR, node, None)
            for cond in current.ifs:
                self._visit(cond.test, cond)
            current = current.inner_for_in
        if isinstance(node, cst.DictComp):
            self._visit(node.key, node)
            self._visit(node.value, node)
        else:
            self._visit(node.elt, node)  # type: ignore[attr-defined]
        self._scope = saved

    def _visit_params(self, params: cst.Parameters, defaults_only: bool) -> None:
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            if p.default is not None:
                self._visit(p.default, p)

    def _bind_params(self, params: cst.Parameters, scope: Scope, owner: cst.CSTNode) -> None:
        all_params = [*params.posonly_params, *params.params, *params.kwonly_params]
        if isinstance(params.star_arg, cst.Param):
            all_params.append(params.star_arg)
        if params.star_kwarg is not None:
            all_params.append(params.star_kwarg)
        for p in all_params:
            scope.bind(Binding(p.name.value, BindingKind.PARAM, owner, seq=self._next(), scope=scope))

    def _bind_target(self, target: cst.CSTNode, kind: str, stmt: cst.CSTNode,
                     value: Optional[cst.BaseExpression], index: Optional[int] = None) -> None:
        if isinstance(target, cst.Name):
            self._scope.bind(Binding(target.value, kind, stmt, value=value, seq=self._next(),
                                     scope=self._scope,
                                     toplevel=self._scope.kind == "module",
                                     guarded=self._guarded, unpack_index=index))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for i, el in enumerate(target.elements):
                inner = el.value
                if isinstance(inner, cst.StarredElement):
                    inner = inner.value
                self._bind_target(inner, kind, stmt, value, i)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, kind, stmt, value, None)
        elif isinstance(target, cst.Attribute):
            self._visit(target.value, target)
            base = target.value
            if (isinstance(base, cst.Name) and base.value == "self" and self._function is not None
                    and self._function.class_info is not None and value is not None):
                cls = self._function.class_info
                cls.self_attrs.setdefault(target.attr.value, []).append(
                    Binding(target.attr.value, kind, stmt, value=value, seq=self._next(),
                            scope=self._scope, unpack_index=index))
        elif isinstance(target, cst.Subscript):
            self._visit(target, stmt)

    def _v_assign(self, node: cst.Assign, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)
        for t in node.targets:
            self._bind_target(t.target, BindingKind.ASSIGN, node, node.value)

    def _v_annassign(self, node: cst.AnnAssign, parent: cst.CSTNode) -> None:
        if node.value is not None:
            self._visit(node.value, node)
        self._visit(node.annotation, node)
        self._bind_target(node.target, BindingKind.ASSIGN, node, node.value)

    def _v_augassign(self, node: cst.AugAssign, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)
        if isinstance(node.target, cst.Name):
            self._record_load(node.target, node)
        self._bind_target(node.target, BindingKind.AUGASSIGN, node, None)

    def _v_walrus(self, node: cst.NamedExpr, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)
        self._bind_target(node.target, BindingKind.ASSIGN, node, node.value)

    def _v_import(self, node: cst.Import, parent: cst.CSTNode) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, qual = alias.asname.name.value, full
            else:
                local = full.split(".")[0]
                qual = local
            self._scope.bind(Binding(local, BindingKind.IMPORT, node, qualname=canonical(qual),
                                     seq=self._next(), scope=self._scope,
                                     toplevel=self._scope.kind == "module", guarded=self._guarded))

    def _v_importfrom(self, node: cst.ImportFrom, parent: cst.CSTNode) -> None:
        if node.relative:
            base = None
        else:
            base = dotted_name(node.module) if node.module is not None else None
        if base is None:
            return
        if isinstance(node.names, cst.ImportStar):
            # `from multiprocessing import *`: bind the public names we know about.
            for name in _STAR_EXPORTS.get(canonical(base), ()):
                self._scope.bind(Binding(name, BindingKind.IMPORT, node, qualname=f"{canonical(base)}.{name}",
                                         seq=self._next(), scope=self._scope,
                                         toplevel=self._scope.kind == "module", guarded=self._guarded))
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._scope.bind(Binding(local, BindingKind.IMPORT, node, qualname=canonical(f"{base}.{name}"),
                                     seq=self._next(), scope=self._scope,
                                     toplevel=self._scope.kind == "module", guarded=self._guarded))

    def _v_global(self, node: cst.Global, parent: cst.CSTNode) -> None:
        for item in node.names:
            self._scope.globals.add(item.name.value)
            if self._function is not None:
                self._function.global_names.add(item.name.value)

    def _v_nonlocal(self, node: cst.Nonlocal, parent: cst.CSTNode) -> None:
        for item in node.names:
            self._scope.nonlocals.add(item.name.value)

    def _v_return(self, node: cst.Return, parent: cst.CSTNode) -> None:
        if node.value is not None:
            if self._function is not None:
                self._function.returns.append(node.value)
            self._visit(node.value, node)

    def _v_yield(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        if self._function is not None and self._scope.kind == "function":
            self._function.is_generator = True
        self._children(node)

    def _v_raise(self, node: cst.Raise, parent: cst.CSTNode) -> None:
        if self._function is not None:
            self._function.raises.append(node)
        self._children(node)

    def _v_except(self, node: cst.ExceptHandler, parent: cst.CSTNode) -> None:
        if node.type is not None:
            self._visit(node.type, node)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bind_target(node.name.name, BindingKind.EXCEPT, node, None)
        self._visit(node.body, node)

    # expressions -------------------------------------------------------------------------

    def _v_call(self, node: cst.Call, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        site = CallSite(node, self._scope, self._function, self._top, self._guarded, self._loop,
                        self._next(), self._statement, tuple(self._with), parent)
        self.calls.append(site)
        if self._function is not None:
            self._function.calls.append(site)
        self._visit(node.func, node)
        for arg in node.args:
            self._visit(arg.value, arg)

    def _v_name(self, node: cst.Name, parent: cst.CSTNode) -> None:
        self._record_load(node, parent)

    def _record_load(self, node: cst.Name, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        self._scope.loads.setdefault(node.value, []).append(Use(node, self._next(), self._scope))

    def _v_attribute(self, node: cst.Attribute, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        self._visit(node.value, node)  # the attribute name itself is not a load of a variable

    def _v_arg(self, node: cst.Arg, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)

    def _v_string(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        if isinstance(node, cst.FormattedString):
            self._children(node)

    def _v_skip(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        return

    def _finish(self) -> None:
        self._import_time: Optional[set[int]] = None
        self._guard_only: Optional[set[int]] = None

    @property
    def is_notebook(self) -> bool:
        """Code cells of a notebook: spawned children never re-import it as a module, so rules
        about what runs at import time (MP101, MP102, MP103) do not apply; MP204 does."""
        return bool(self.path) and str(self.path).lower().endswith(".ipynb")

    # ---- positions -------------------------------------------------------------------------

    def range_of(self, node: cst.CSTNode):
        key = id(node)
        return self._positions.range_of(node, self.node_top.get(key), self.node_stmt.get(key))

    # ---- name resolution -------------------------------------------------------------------

    # ---- name resolution (the injected resolver) ------------------------------------------

    def resolve(self, expr: Optional[cst.CSTNode], scope: Scope, seq: int = 1 << 60,
                depth: int = 0) -> Value:
        return self.resolver.resolve(expr, scope, seq, depth)

    def library_name(self, expr: Optional[cst.CSTNode], scope: Scope, seq: int = 1 << 60) -> Optional[str]:
        return self.resolver.library_name(expr, scope, seq)

    def bindings_of(self, name: str, scope: Scope) -> list[Binding]:
        return self.resolver.bindings_of(name, scope)

    def binding_before(self, name: str, scope: Scope, seq: int) -> Optional[Binding]:
        return self.resolver.binding_before(name, scope, seq)

    def value_of_binding(self, binding: Binding, depth: int = 0) -> Value:
        return self.resolver.value_of_binding(binding, depth)

    def class_is_process(self, cls: ClassInfo, depth: int = 0) -> bool:
        return self.resolver.class_is_process(cls, depth)

    def class_is_exception(self, cls: ClassInfo, depth: int = 0) -> bool:
        return self.resolver.class_is_exception(cls, depth)

    @contextmanager
    def resolving_with(self, resolver: Resolver) -> Iterator[None]:
        """Answer every question with `resolver` meanwhile (the type-aware lane's injection)."""
        saved = self.resolver
        self.resolver = resolver
        try:
            yield
        finally:
            self.resolver = saved

    def scope_of_node(self, node: cst.CSTNode) -> Optional[Scope]:
        return self.node_scope.get(id(node))

    # ---- facts -------------------------------------------------------------------------------

    @cached_property
    def reaching(self) -> Reaching:
        """Which of a name's bindings can reach a use (built on first question)."""
        return Reaching()

    @cached_property
    def facts(self) -> "Facts":
        """What the rules share, each domain built at most once for this model."""
        from mpguard.facts import Facts

        return Facts(self)

    # ---- call graph ------------------------------------------------------------------------

    def function_named(self, name: str) -> Optional[FunctionInfo]:
        for b in reversed(self.module_scope.bindings.get(name, [])):
            if b.kind == "def":
                scope = self.node_scope.get(id(b.node))
                return scope.function if scope else None
        return None

    def called_functions(self, site: CallSite) -> list[FunctionInfo]:
        """Local functions a call may run: f(), self.m(), Cls() -> __init__, Cls.m()."""
        v = self.resolve(site.node.func, site.scope, site.seq)
        if v.kind == "function" and v.function is not None:
            return [v.function]
        if v.kind == "method" and v.function is not None:
            return [v.function]
        if v.kind == "class" and v.class_info is not None:
            out = []
            for m in ("__init__", "__post_init__", "__new__"):
                if m in v.class_info.methods:
                    out.append(v.class_info.methods[m])
            return out
        return []

    def functions_run_at_import(self) -> set[int]:
        """ids of FunctionInfo that run when the module is imported (called, transitively, from
        unguarded top-level code or class bodies)."""
        if self._import_time is None:
            seeds = [s for s in self.calls if s.function is None and not s.guarded]
            self._import_time = self._reach(seeds)
        return self._import_time

    def functions_run_from_guard(self) -> set[int]:
        if self._guard_only is None:
            seeds = [s for s in self.calls if s.function is None and s.guarded]
            self._guard_only = self._reach(seeds)
        return self._guard_only

    @cached_property
    def calls_under_inner_guard(self) -> frozenset[int]:
        """ids of calls inside an `if __name__ == "__main__":` written in a function or method
        body: like the top-level guard, it keeps them from running when a child imports the module."""
        out: set[int] = set()
        if self.text.count("__main__") <= len(self.guards):
            return frozenset(out)  # every guard is a top-level one (the common case: no walk)
        stack: list[tuple[cst.CSTNode, bool]] = [(self.module, False)]
        while stack:
            node, in_function = stack.pop()
            guarded = in_function and isinstance(node, cst.If) and is_main_guard_test(node.test)
            if guarded:
                out.update(id(n) for n in walk_tree(node.body) if isinstance(n, cst.Call))
                continue
            inner = in_function or isinstance(node, (cst.FunctionDef, cst.Lambda))
            for name in _semantic_fields(type(node)):
                value = getattr(node, name)
                children = value if type(value) in (list, tuple) else (value,)
                stack.extend((c, inner) for c in children if isinstance(c, cst.CSTNode))
        return frozenset(out)

    def _reach(self, seeds: Iterable[CallSite]) -> set[int]:
        reached: set[int] = set()
        work: list[FunctionInfo] = []
        for site in seeds:
            for f in self.called_functions(site):
                if id(f) not in reached:
                    reached.add(id(f))
                    work.append(f)
        while work:
            f = work.pop()
            for site in f.calls:
                if id(site.node) in self.calls_under_inner_guard:
                    continue
                for g in self.called_functions(site):
                    if id(g) not in reached:
                        reached.add(id(g))
                        work.append(g)
            # Nested functions defined and called inside f are covered by their own call sites.
        return reached

    def callers_chain(self, target: FunctionInfo, import_time: bool = True) -> Optional[list[CallSite]]:
        """A chain of call sites from unguarded top-level code to `target` (for messages)."""
        seeds = [s for s in self.calls if s.function is None and (not s.guarded) == import_time]
        parent: dict[int, tuple[Optional[FunctionInfo], CallSite]] = {}
        frontier: list[tuple[Optional[FunctionInfo], CallSite]] = [(None, s) for s in seeds]
        seen: set[int] = set()
        while frontier:
            caller, site = frontier.pop(0)
            for f in self.called_functions(site):
                if id(f) in seen:
                    continue
                seen.add(id(f))
                parent[id(f)] = (caller, site)
                if f is target:
                    chain = []
                    cur: Optional[FunctionInfo] = f
                    while cur is not None and id(cur) in parent:
                        c, s = parent[id(cur)]
                        chain.append(s)
                        cur = c
                    return list(reversed(chain))
                frontier.extend((f, s) for s in f.calls)
        return None

    def transitive_callees(self, f: FunctionInfo) -> list[FunctionInfo]:
        seen = {id(f)}
        order = [f]
        i = 0
        while i < len(order):
            for site in order[i].calls:
                for g in self.called_functions(site):
                    if id(g) not in seen:
                        seen.add(id(g))
                        order.append(g)
            i += 1
        return order

    def free_variables(self, node: cst.CSTNode) -> list[str]:
        """Names a lambda/def reads that are bound in an enclosing *function* scope."""
        scope = self.node_scope.get(id(node))
        if scope is None:
            return []
        names: list[str] = []
        for s in self._scopes_within(scope):
            for name in s.loads:
                target = s.lookup_scope(name)
                if target is None or target.kind in ("module", "class"):
                    continue
                if scope_within(target, scope):
                    continue
                if name not in names:
                    names.append(name)
        return names

    def _scopes_within(self, scope: Scope) -> list[Scope]:
        return [s for s in self.scopes if scope_within(s, scope)]

    def names_read_after(self, name: str, scope: Scope, seq: int) -> list[Use]:
        return [u for u in scope.loads.get(name, []) if u.seq > seq]

    # ---- shortcuts into the facts (kept for callers written against the model) -------------

    def explicit_start_methods(self) -> list[tuple[str, CallSite]]:
        return list(self.facts.starts.setters)

    def module_start_method(self) -> str:
        return self.facts.starts.module_method

    def start_method_of(self, value: Value) -> str:
        return self.facts.starts.method_of(value)

    def iter_process_dispatches(self) -> Iterator["Dispatch"]:
        return iter(self.facts.calls.dispatches)

    def dispatch_of(self, site: CallSite) -> Optional["Dispatch"]:
        return self.facts.calls.dispatch_of(site)

    def worker_value(self, d: "Dispatch") -> Value:
        return self.facts.calls.worker_value(d)

    def worker_functions(self) -> list[tuple[FunctionInfo, "Dispatch"]]:
        return self.facts.calls.worker_functions


_HANDLERS = {
    cst.SimpleStatementLine: ModuleModel._v_simple_line,
    cst.If: ModuleModel._v_compound,
    cst.Try: ModuleModel._v_compound,
    cst.TryStar: ModuleModel._v_compound,
    cst.Match: ModuleModel._v_compound,
    cst.For: ModuleModel._v_loop,
    cst.While: ModuleModel._v_loop,
    cst.With: ModuleModel._v_with,
    cst.FunctionDef: ModuleModel._v_function,
    cst.ClassDef: ModuleModel._v_class,
    cst.Lambda: ModuleModel._v_lambda,
    cst.ListComp: ModuleModel._v_comprehension,
    cst.SetComp: ModuleModel._v_comprehension,
    cst.GeneratorExp: ModuleModel._v_comprehension,
    cst.DictComp: ModuleModel._v_comprehension,
    cst.Assign: ModuleModel._v_assign,
    cst.AnnAssign: ModuleModel._v_annassign,
    cst.AugAssign: ModuleModel._v_augassign,
    cst.NamedExpr: ModuleModel._v_walrus,
    cst.Import: ModuleModel._v_import,
    cst.ImportFrom: ModuleModel._v_importfrom,
    cst.Global: ModuleModel._v_global,
    cst.Nonlocal: ModuleModel._v_nonlocal,
    cst.Return: ModuleModel._v_return,
    cst.Yield: ModuleModel._v_yield,
    cst.Raise: ModuleModel._v_raise,
    cst.ExceptHandler: ModuleModel._v_except,
    cst.Call: ModuleModel._v_call,
    cst.Name: ModuleModel._v_name,
    cst.Attribute: ModuleModel._v_attribute,
    cst.Arg: ModuleModel._v_arg,
    cst.SimpleString: ModuleModel._v_skip,
    cst.Integer: ModuleModel._v_skip,
    cst.Float: ModuleModel._v_skip,
    cst.Imaginary: ModuleModel._v_skip,
    cst.Ellipsis: ModuleModel._v_skip,
    cst.Pass: ModuleModel._v_skip,
    cst.Break: ModuleModel._v_skip,
    cst.Continue: ModuleModel._v_skip,
    cst.FormattedString: ModuleModel._v_string,
    cst.ConcatenatedString: ModuleModel._v_string,
}
