"""The records of the semantic model: scopes, bindings (a name can have several), uses, call
sites, functions, classes, and the `Value` the resolver answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from mpguard.semantic.names import dotted_name


@dataclass(eq=False)
class Scope:
    kind: str  # a ScopeKind
    node: cst.CSTNode
    parent: Optional["Scope"]
    function: Optional["FunctionInfo"] = None
    cls: Optional["ClassInfo"] = None
    bindings: dict[str, list["Binding"]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    loads: dict[str, list["Use"]] = field(default_factory=dict)

    def bind(self, binding: "Binding") -> None:
        if binding.name in self.globals and self.kind != "module":
            scope = self
            while scope.parent is not None:
                scope = scope.parent
            scope.bindings.setdefault(binding.name, []).append(binding)
            return
        self.bindings.setdefault(binding.name, []).append(binding)

    def lookup_scope(self, name: str) -> Optional["Scope"]:
        """The scope whose binding `name` refers to here (Python's LEGB, class scopes skipped)."""
        if name in self.globals:
            root = self
            while root.parent is not None:
                root = root.parent
            return root
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if (first or scope.kind != "class") and name in scope.bindings:
                return scope
            first = False
            scope = scope.parent
        return None

    @property
    def is_function_like(self) -> bool:
        return self.kind in ("function", "lambda")


@dataclass(eq=False)
class Binding:
    name: str
    kind: str  # a BindingKind
    node: cst.CSTNode  # the statement or def node
    value: Optional[cst.BaseExpression] = None  # assigned expression (for assign/with)
    qualname: Optional[str] = None  # for imports
    seq: int = 0
    scope: Optional[Scope] = None
    toplevel: bool = False  # bound by a top-level statement (runs at import time unless guarded)
    guarded: bool = False
    unpack_index: Optional[int] = None  # `a, b = Pipe()` -> index into the tuple


@dataclass(eq=False)
class Use:
    node: cst.CSTNode
    seq: int
    scope: Scope


@dataclass(eq=False)
class CallSite:
    node: cst.Call
    scope: Scope
    function: Optional["FunctionInfo"]  # innermost enclosing function (None: module or class body)
    top_index: int
    guarded: bool  # textually inside `if __name__ == "__main__":`
    loop_depth: int
    seq: int
    statement: cst.CSTNode  # the innermost simple statement / compound header holding the call
    with_items: tuple[cst.WithItem, ...] = ()  # enclosing `with` items, innermost last
    parent: Optional[cst.CSTNode] = None  # syntactic parent of the call (Expr, Assign, Arg, ...)

    @property
    def import_time(self) -> bool:
        return self.function is None and not self.guarded


@dataclass(eq=False)
class FunctionInfo:
    name: str
    node: cst.FunctionDef
    scope: Scope  # the function's own scope
    defining_scope: Scope
    top_index: int
    guarded: bool  # defined inside the `__main__` guard
    is_async: bool
    is_method: bool
    class_info: Optional["ClassInfo"] = None
    is_generator: bool = False
    calls: list[CallSite] = field(default_factory=list)
    returns: list[cst.BaseExpression] = field(default_factory=list)
    raises: list[cst.Raise] = field(default_factory=list)
    global_names: set[str] = field(default_factory=set)
    seq: int = 0

    @property
    def is_module_level(self) -> bool:
        return self.defining_scope.kind == "module"

    @property
    def is_nested(self) -> bool:
        return self.defining_scope.kind in ("function", "lambda")

    @property
    def decorators(self) -> list[str]:
        out = []
        for d in self.node.decorators:
            out.append(dotted_name(d.decorator) or "")
        return out


@dataclass(eq=False)
class ClassInfo:
    name: str
    node: cst.ClassDef
    scope: Scope
    defining_scope: Scope
    top_index: int
    guarded: bool
    bases: list[cst.BaseExpression] = field(default_factory=list)
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    self_attrs: dict[str, list[Binding]] = field(default_factory=dict)

    @property
    def is_module_level(self) -> bool:
        return self.defining_scope.kind == "module"


@dataclass(frozen=True)
class Value:
    """What an expression is, as far as local inference can tell."""

    kind: str  # module | ref | instance | function | class | lambda | partial | method | unknown
    qualname: Optional[str] = None  # module/ref qualname, or instance type
    node: Optional[cst.CSTNode] = None  # creating call, lambda node, def node
    function: Optional[FunctionInfo] = None
    class_info: Optional[ClassInfo] = None
    start_method: Optional[str] = None  # for contexts and objects created from one
    context_node: Optional[cst.CSTNode] = None  # the get_context(...) call, when known
    receiver: Optional["Value"] = None  # for bound methods
    inner: Optional["Value"] = None  # for functools.partial: the wrapped callable

    def is_type(self, *types: str) -> bool:
        return self.kind == "instance" and self.qualname in types


UNKNOWN = Value("unknown")


def scope_within(s: Optional["Scope"], ancestor: "Scope") -> bool:
    """Whether scope `s` is `ancestor` or nested inside it."""
    while s is not None:
        if s is ancestor:
            return True
        s = s.parent
    return False


def frame_of(scope: Scope) -> Scope:
    """The scope whose body runs as one frame: comprehension and lambda scopes belong to the
    function (or module) they are written in."""
    while scope.kind in ("comprehension", "lambda") and scope.parent is not None:
        scope = scope.parent
    return scope


def module_scope_of(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope
