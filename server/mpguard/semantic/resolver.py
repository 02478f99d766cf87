"""The resolver: "what is this expression?" answered locally and conservatively.

``resolve(expr, scope, seq)`` returns a :class:`~mpguard.semantic.records.Value` (a module, a known
library callable, an instance of a known type, a local function or class, a lambda) or
``UNKNOWN``. Rules only fire on answers, never on unknowns.

The resolver is injected into the model (``ModuleModel.resolver``); the type-aware lane swaps in a
subclass that also knows jedi's answers (:meth:`ModuleModel.resolving_with`), so every question
asked meanwhile, including the resolver's own recursive ones, sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.semantic.apis import Api, DefaultMethod
from mpguard.semantic.library import (
    ASYNC_POOL_METHODS, CONSTRUCTORS, CONTEXT_METHODS, DATA_SAME_KIND_METHODS, MANAGER_METHODS,
    _KNOWN_MODULES, canonical,
)
from mpguard.semantic.names import dotted_name, get_arg, int_value, string_value
from mpguard.semantic.records import UNKNOWN, Binding, ClassInfo, FunctionInfo, Scope, Value

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel


class Resolver:
    def __init__(self, index: "ModuleModel", cache: Optional[dict[tuple[int, int], Value]] = None) -> None:
        self.index = index
        self.node_scope = index.node_scope
        # Shared with a resolver that wraps this one, as answers computed under either are valid
        # for the model (a wrapper only adds answers where this one has none).
        self._resolve_cache: dict[tuple[int, int], Value] = {} if cache is None else cache

    def library_name(self, expr: Optional[cst.CSTNode], scope: Scope, seq: int = 1 << 60) -> Optional[str]:
        """The qualified name when `expr` is a library module or callable (`os.cpu_count`,
        `itertools.count`: modules the model does not know resolve as "module")."""
        v = self.resolve(expr, scope, seq)
        return v.qualname if v.kind in ("ref", "module") else None

    def bindings_of(self, name: str, scope: Scope) -> list[Binding]:
        target = scope.lookup_scope(name)
        if target is None:
            return []
        return target.bindings.get(name, [])

    def binding_before(self, name: str, scope: Scope, seq: int) -> Optional[Binding]:
        """The binding of `name` visible at `seq` in `scope`: the last one textually before it in
        the same function, or (for names from enclosing scopes) the last one anywhere."""
        target = scope.lookup_scope(name)
        if target is None:
            return None
        found = target.bindings.get(name, [])
        if not found:
            return None
        if target is scope or (target.kind == "module" and scope.kind == "module"):
            before = [b for b in found if b.seq < seq]
            return before[-1] if before else found[-1]
        return found[-1]

    def resolve(self, expr: Optional[cst.CSTNode], scope: Scope, seq: int = 1 << 60,
                depth: int = 0) -> Value:
        if expr is None or depth > 12:
            return UNKNOWN
        key = (id(expr), seq if isinstance(expr, cst.Name) else 0)
        cached = self._resolve_cache.get(key)
        if cached is not None:
            return cached
        value = self._resolve(expr, scope, seq, depth)
        self._resolve_cache[key] = value
        return value

    def _resolve(self, expr: cst.CSTNode, scope: Scope, seq: int, depth: int) -> Value:
        if isinstance(expr, cst.Name):
            return self._resolve_name(expr.value, scope, seq, depth)
        if isinstance(expr, cst.Attribute):
            base = self.resolve(expr.value, scope, seq, depth + 1)
            attr = expr.attr.value
            if base.kind in ("module", "ref"):
                qual = canonical(f"{base.qualname}.{attr}")
                return Value("ref", qual) if base.kind == "ref" or "." in qual else Value("module", qual)
            if isinstance(expr.value, cst.Name) and expr.value.value == "self":
                cls = self._class_of_scope(scope)
                if cls is not None:
                    if attr in cls.methods:
                        m = cls.methods[attr]
                        return Value("method", attr, node=m.node, function=m, class_info=cls,
                                     receiver=Value("instance", cls.name, class_info=cls))
                    bindings = cls.self_attrs.get(attr)
                    if bindings:
                        b = bindings[0]
                        v = self.resolve(b.value, b.scope or scope, b.seq, depth + 1)
                        if b.unpack_index is not None:
                            v = _unpacked(v, b.unpack_index)
                        return v
            if base.kind == "instance":
                return Value("method", attr, node=expr, receiver=base, class_info=base.class_info,
                             function=base.class_info.methods.get(attr) if base.class_info else None)
            return UNKNOWN
        if isinstance(expr, cst.Call):
            return self._resolve_call(expr, scope, seq, depth)
        if isinstance(expr, cst.Lambda):
            return Value("lambda", node=expr)
        if isinstance(expr, cst.GeneratorExp):
            return Value("instance", "generator", node=expr)
        if isinstance(expr, (cst.ListComp, cst.List, cst.Tuple, cst.Set, cst.SetComp)):
            return Value("instance", "sequence", node=expr)
        if isinstance(expr, (cst.Dict, cst.DictComp)):
            return Value("instance", "dict", node=expr)
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return Value("instance", "str", node=expr)
        if isinstance(expr, (cst.Integer, cst.Float)):
            return Value("instance", "number", node=expr)
        if isinstance(expr, cst.Await):
            return UNKNOWN
        return UNKNOWN

    def _class_of_scope(self, scope: Scope) -> Optional[ClassInfo]:
        s: Optional[Scope] = scope
        while s is not None:
            if s.kind == "function" and s.function is not None and s.function.class_info is not None:
                return s.function.class_info
            if s.kind == "class":
                return s.cls
            s = s.parent
        return None

    def _resolve_name(self, name: str, scope: Scope, seq: int, depth: int) -> Value:
        binding = self.binding_before(name, scope, seq)
        if binding is None:
            if name in ("open", "print", "map", "filter", "zip", "range", "len", "iter"):
                return Value("ref", name)
            return UNKNOWN
        return self.value_of_binding(binding, depth)

    def value_of_binding(self, binding: Binding, depth: int = 0) -> Value:
        if binding.kind == "import":
            qual = binding.qualname or ""
            if qual in CONSTRUCTORS or "." in qual and qual.rsplit(".", 1)[0] in _KNOWN_MODULES:
                return Value("ref", qual)
            return Value("module", qual)
        if binding.kind == "def":
            scope = self.node_scope.get(id(binding.node))
            return Value("function", binding.name, node=binding.node,
                         function=scope.function if scope else None)
        if binding.kind == "class":
            scope = self.node_scope.get(id(binding.node))
            return Value("class", binding.name, node=binding.node, class_info=scope.cls if scope else None)
        if binding.kind in ("assign", "with") and binding.value is not None and binding.scope is not None:
            value = binding.value
            if binding.unpack_index is not None and isinstance(value, cst.Tuple):
                # `q, out = mp.Queue(), mp.Queue()`: the element at the target's position, when
                # targets and values are flat and pair up one to one
                element = _paired_element(binding.node, value, binding.unpack_index)
                if element is None:
                    return UNKNOWN
                return self.resolve(element, binding.scope, binding.seq, depth + 1)
            v = self.resolve(value, binding.scope, binding.seq, depth + 1)
            if binding.kind == "with" and v.is_type("file"):
                return v
            if binding.unpack_index is not None:
                v = _unpacked(v, binding.unpack_index)
            return v
        return UNKNOWN

    def _api_instance(self, api: Api, call: cst.Call, scope: Scope, seq: int, depth: int) -> Value:
        """The object a call of a table API makes (its type is the row's name), or UNKNOWN when
        the arguments say it starts no process (DataLoader(num_workers=0), joblib's default
        backend) or the targeted Python does not have it."""
        config = self.index.config
        if api.min_version is not None and (config is None or config.target_version < api.min_version):
            return UNKNOWN
        if api.when_param is not None:
            arg = get_arg(call, api.when_param.name, api.when_param.position) or self._context_arg(api, call, scope)
            if arg is None:
                return UNKNOWN
            literal = _literal(arg.value)
            if api.only_values and literal not in api.only_values:
                return UNKNOWN
            if api.unless_values and literal in api.unless_values:
                return UNKNOWN
        method, ctx_node = None, None
        if api.start_method_param is not None:
            arg = get_arg(call, api.start_method_param.name, api.start_method_param.position)
            if arg is not None:
                method = string_value(arg.value)
                if method in api.thread_methods:  # mpire's start_method="threading"
                    return UNKNOWN
                if method is None:  # a context object: `context=mp.get_context("spawn")`
                    ctx = self.resolve(arg.value, scope, seq, depth + 1)
                    method, ctx_node = ctx.start_method, ctx.context_node  # None: as a stdlib context
        if method is None and api.default_method == DefaultMethod.SPAWN:
            method = "spawn"
        elif method is None and api.default_method == DefaultMethod.FORK_WHERE_AVAILABLE:
            platforms = config.platforms if config is not None else ("windows",)  # default: all
            method = "spawn" if "windows" in platforms else "fork"
        return Value("instance", api.name, node=call, start_method=method, context_node=ctx_node)

    def _context_arg(self, api: Api, call: cst.Call, scope: Scope) -> Optional[cst.Arg]:
        """The `when_param` value the innermost enclosing `with` of the row's contexts gives
        (`with parallel_backend("multiprocessing"): Parallel(n_jobs=2)`)."""
        if not api.when_param_contexts:
            return None
        site = self.index.facts.calls.site_of(call)
        params = dict(api.when_param_contexts)
        for item in reversed(site.with_items if site is not None else ()):
            manager = item.item
            if isinstance(manager, cst.Call):
                param = params.get(self.library_name(manager.func, scope) or "")
                if param is not None:
                    return get_arg(manager, param.name, param.position)
        return None

    def _resolve_call(self, call: cst.Call, scope: Scope, seq: int, depth: int) -> Value:
        func = self.resolve(call.func, scope, seq, depth + 1)
        if func.kind in ("ref", "module"):
            api = self.index.apis.get(func.qualname or "")
            if api is not None:
                return self._api_instance(api, call, scope, seq, depth)
        if func.kind == "ref":
            qual = func.qualname or ""
            if qual == "functools.partial":
                first = get_arg(call, None, 0)
                inner = self.resolve(first.value, scope, seq, depth + 1) if first else UNKNOWN
                return Value("partial", node=call, inner=inner)
            kind = CONSTRUCTORS.get(qual)
            if kind is not None:
                method = None
                ctx_node = None
                if kind == "mp.context":
                    arg = get_arg(call, "method", 0)
                    method = string_value(arg.value) if arg else None
                    if arg is None:
                        method = "default"
                    ctx_node = call
                elif kind == "ProcessPoolExecutor":
                    arg = get_arg(call, "mp_context", 2)
                    if arg is not None:
                        ctx = self.resolve(arg.value, scope, seq, depth + 1)
                        method, ctx_node = ctx.start_method, ctx.context_node
                return Value("instance", kind, node=call, start_method=method, context_node=ctx_node)
            return UNKNOWN
        if func.kind == "method" and func.receiver is not None:
            recv = func.receiver
            name = func.qualname or ""
            if recv.is_type("mp.context") and name in CONTEXT_METHODS:
                return Value("instance", CONTEXT_METHODS[name], node=call,
                             start_method=recv.start_method, context_node=recv.context_node)
            if recv.is_type("mp.context") and name == "get_context":
                return Value("instance", "mp.context", node=call, start_method=recv.start_method)
            if recv.is_type("mp.Manager") and name in MANAGER_METHODS:
                return Value("instance", "manager.proxy", node=call)
            if recv.is_type("mp.Pool", "ThreadPool") and name in ASYNC_POOL_METHODS:
                return Value("instance", "async_result", node=call, receiver=recv)
            if recv.is_type("ProcessPoolExecutor", "ThreadPoolExecutor") and name == "submit":
                return Value("instance", "future", node=call, receiver=recv)
            if recv.is_type("mp.Pool", "ThreadPool") and name in ("imap", "imap_unordered"):
                return Value("instance", "result_iterator", node=call, receiver=recv)
            if recv.is_type("ProcessPoolExecutor", "ThreadPoolExecutor") and name == "map":
                return Value("instance", "result_iterator", node=call, receiver=recv)
            if recv.is_type("mp.Manager") and name == "start":
                return UNKNOWN
            if recv.is_type("ndarray", "dataframe") and name in DATA_SAME_KIND_METHODS:
                return Value("instance", recv.qualname, node=call)  # df.dropna(), arr.astype(...)
            if recv.kind == "instance" and recv.qualname == "connection" and name in ("cursor",):
                return Value("instance", "connection", node=call)
            if func.function is not None and func.class_info is not None:
                return self._returned_by(func.function, call, depth)
            return UNKNOWN
        if func.kind == "function" and func.function is not None:
            info = func.function
            if info.is_generator and not info.is_async:
                return Value("instance", "generator", node=call, function=info)
            return self._returned_by(info, call, depth)
        if func.kind == "class" and func.class_info is not None:
            cls = func.class_info
            if self.class_is_process(cls):
                return Value("instance", "mp.Process", node=call, class_info=cls)
            return Value("instance", cls.name, node=call, class_info=cls)
        return UNKNOWN

    def _returned_by(self, info: FunctionInfo, call: cst.Call, depth: int) -> Value:
        """Local functions that always return one known kind of object (a factory)."""
        if depth > 6 or not info.returns:
            return UNKNOWN
        kinds = {self.resolve(r, info.scope, 1 << 60, depth + 1) for r in info.returns}
        if len(kinds) == 1:
            v = next(iter(kinds))
            if v.kind == "instance":
                return v
        return UNKNOWN

    def class_is_process(self, cls: ClassInfo, depth: int = 0) -> bool:
        for base in cls.bases:
            v = self.resolve(base, cls.defining_scope)
            if v.kind == "ref" and CONSTRUCTORS.get(v.qualname or "") == "mp.Process":
                return True
            if v.kind == "ref" and (v.qualname or "").endswith(".Process") and (v.qualname or "").startswith("multiprocessing"):
                return True
            if v.kind == "method" and v.qualname == "Process" and v.receiver is not None and v.receiver.is_type("mp.context"):
                return True
            if v.kind == "class" and v.class_info is not None and depth < 5:
                if self.class_is_process(v.class_info, depth + 1):
                    return True
        return False

    def class_is_exception(self, cls: ClassInfo, depth: int = 0) -> bool:
        for base in cls.bases:
            name = dotted_name(base) or ""
            last = name.rsplit(".", 1)[-1]
            if last.endswith(("Error", "Exception")) or last in ("Exception", "BaseException", "Warning"):
                return True
            v = self.resolve(base, cls.defining_scope)
            if v.kind == "class" and v.class_info is not None and depth < 5:
                if self.class_is_exception(v.class_info, depth + 1):
                    return True
        return False

    # ---- derived facts -------------------------------------------------------------------


_NOT_LITERAL = object()


def _literal(expr: cst.BaseExpression) -> object:
    """The value of an int, string, True/False/None literal; a sentinel for anything else."""
    if isinstance(expr, cst.Name) and expr.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[expr.value]
    number = int_value(expr)
    if number is not None:
        return number
    text = string_value(expr)
    return text if text is not None else _NOT_LITERAL


def _paired_element(statement: cst.CSTNode, value: cst.Tuple, index: int) -> Optional[cst.BaseExpression]:
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    target = statement.targets[0].target
    if not isinstance(target, (cst.Tuple, cst.List)):
        return None
    names, items = target.elements, value.elements
    if (len(names) != len(items) or index >= len(items) or not all(isinstance(e.value, cst.Name) for e in names)
            or any(isinstance(e, cst.StarredElement) for e in (*names, *items))):
        return None
    return items[index].value


def _unpacked(v: Value, index: int) -> Value:
    if v.is_type("mp.pipe"):
        return Value("instance", "mp.connection", node=v.node)
    return UNKNOWN
