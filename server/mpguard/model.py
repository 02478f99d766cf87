"""The module model: every fact about one module that the rules share, built in one lean pass.

One ``libcst.parse_module`` per text, then a single hand-written traversal that skips whitespace
and punctuation nodes (about 20x cheaper than a ``CSTVisitor`` pass, which dispatches on every
token). No libcst metadata provider is used: scopes, import aliases, the ``__main__`` guard and a
call graph are tracked here; positions are computed only for the nodes that get reported
(:mod:`mpguard.positions`).

Values are inferred locally and conservatively: ``resolve(expr)`` answers "what is this?" as a
:class:`Value` (a module, a known library callable, an instance of a known type, a local function
or class, a lambda) or ``UNKNOWN``. Rules only fire on answers, never on unknowns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

import libcst as cst

from mpguard.incremental import Layout
from mpguard.positions import PositionIndex

# --------------------------------------------------------------------------------------------
# Known library names
# --------------------------------------------------------------------------------------------

# Packages that re-export multiprocessing under another name.
MODULE_ALIASES = {
    "torch.multiprocessing": "multiprocessing",
    "multiprocessing.context": "multiprocessing",
    "billiard": "multiprocessing",
}

MP_SYNC = ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier")
MP_QUEUES = ("Queue", "SimpleQueue", "JoinableQueue")

# qualified callable -> type of the instance it returns
CONSTRUCTORS: dict[str, str] = {
    "multiprocessing.Pool": "mp.Pool",
    "multiprocessing.pool.Pool": "mp.Pool",
    "multiprocessing.pool.ThreadPool": "ThreadPool",
    "multiprocessing.dummy.Pool": "ThreadPool",
    "multiprocessing.dummy.Process": "Thread",
    "multiprocessing.Process": "mp.Process",
    "multiprocessing.process.BaseProcess": "mp.Process",
    "multiprocessing.get_context": "mp.context",
    "multiprocessing.Manager": "mp.Manager",
    "multiprocessing.managers.SyncManager": "mp.Manager",
    "multiprocessing.managers.SharedMemoryManager": "mp.Manager",
    "multiprocessing.shared_memory.SharedMemory": "mp.shared",
    "multiprocessing.Value": "mp.shared",
    "multiprocessing.Array": "mp.shared",
    "multiprocessing.RawValue": "mp.shared",
    "multiprocessing.RawArray": "mp.shared",
    "multiprocessing.Pipe": "mp.pipe",
    "concurrent.futures.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor": "ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "ThreadPoolExecutor",
    "threading.Thread": "Thread",
    "threading.Timer": "Thread",
    "queue.Queue": "thread.queue",
    "queue.LifoQueue": "thread.queue",
    "queue.PriorityQueue": "thread.queue",
    "queue.SimpleQueue": "thread.queue",
    "multiprocessing.dummy.Queue": "thread.queue",
    "asyncio.Lock": "thread.sync",
    "asyncio.Event": "thread.sync",
    # open files and OS handles
    "open": "file",
    "io.open": "file",
    "builtins.open": "file",
    "gzip.open": "file",
    "bz2.open": "file",
    "lzma.open": "file",
    "codecs.open": "file",
    "tempfile.TemporaryFile": "file",
    "tempfile.NamedTemporaryFile": "file",
    "tempfile.SpooledTemporaryFile": "file",
    # connections and clients
    "sqlite3.connect": "connection",
    "psycopg2.connect": "connection",
    "psycopg.connect": "connection",
    "pymysql.connect": "connection",
    "MySQLdb.connect": "connection",
    "mysql.connector.connect": "connection",
    "pyodbc.connect": "connection",
    "cx_Oracle.connect": "connection",
    "oracledb.connect": "connection",
    "sqlalchemy.create_engine": "connection",
    "redis.Redis": "connection",
    "redis.StrictRedis": "connection",
    "redis.from_url": "connection",
    "pymongo.MongoClient": "connection",
    "requests.Session": "connection",
    "requests.session": "connection",
    "httpx.Client": "connection",
    "boto3.client": "connection",
    "boto3.session.Session": "connection",
    # logging
    "logging.getLogger": "logger",
}
for _n in MP_SYNC:
    CONSTRUCTORS[f"multiprocessing.{_n}"] = "mp.sync"
    CONSTRUCTORS[f"threading.{_n}"] = "thread.sync"
    CONSTRUCTORS[f"multiprocessing.dummy.{_n}"] = "thread.sync"
for _n in MP_QUEUES:
    CONSTRUCTORS[f"multiprocessing.{_n}"] = "mp.queue"
    CONSTRUCTORS[f"multiprocessing.queues.{_n}"] = "mp.queue"

NUMPY_FACTORIES = {
    "array", "asarray", "ascontiguousarray", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "empty_like", "full_like", "arange", "linspace", "logspace", "geomspace", "eye",
    "identity", "load", "loadtxt", "genfromtxt", "fromfile", "frombuffer", "memmap", "concatenate",
    "stack", "vstack", "hstack", "dstack", "tile", "repeat", "meshgrid", "outer", "dot", "matmul",
    "random.rand", "random.randn", "random.random", "random.randint", "random.normal",
    "random.uniform", "random.random_sample", "random.choice", "random.permutation",
}
for _n in NUMPY_FACTORIES:
    CONSTRUCTORS[f"numpy.{_n}"] = "ndarray"
for _n in ("DataFrame", "Series", "read_csv", "read_parquet", "read_json", "read_excel", "read_sql",
           "read_sql_query", "read_sql_table", "read_table", "read_feather", "read_pickle",
           "read_hdf", "read_orc", "read_fwf", "read_stata", "concat", "merge"):
    CONSTRUCTORS[f"pandas.{_n}"] = "dataframe"
for _n in ("DataFrame", "read_csv", "read_parquet", "read_json", "concat", "from_pandas"):
    CONSTRUCTORS[f"polars.{_n}"] = "dataframe"
CONSTRUCTORS["torch.tensor"] = "ndarray"
CONSTRUCTORS["torch.zeros"] = "ndarray"
CONSTRUCTORS["torch.ones"] = "ndarray"
CONSTRUCTORS["torch.randn"] = "ndarray"
CONSTRUCTORS["torch.load"] = "ndarray"

# Methods of arrays / data frames that return another (usually as large) array / frame.
DATA_SAME_KIND_METHODS = {
    "copy", "astype", "reshape", "transpose", "ravel", "flatten", "squeeze", "clip", "round",
    "dropna", "fillna", "drop", "merge", "join", "sort_values", "sort_index", "reset_index",
    "set_index", "rename", "assign", "query", "filter", "apply", "pivot", "pivot_table",
    "drop_duplicates", "to_numpy", "select", "with_columns", "collect", "infer_objects",
}

# Methods of instances that return another known instance.
CONTEXT_METHODS = {
    "Pool": "mp.Pool",
    "Process": "mp.Process",
    "Manager": "mp.Manager",
    "Value": "mp.shared",
    "Array": "mp.shared",
    "RawValue": "mp.shared",
    "RawArray": "mp.shared",
    "Pipe": "mp.pipe",
    **{n: "mp.sync" for n in MP_SYNC},
    **{n: "mp.queue" for n in MP_QUEUES},
}
MANAGER_METHODS = {
    "Queue", "JoinableQueue", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition",
    "Event", "Barrier", "Value", "Array", "dict", "list", "Namespace", "Pool",
}

PROCESS_POOL_TYPES = {"mp.Pool", "ProcessPoolExecutor"}
THREAD_POOL_TYPES = {"ThreadPool", "ThreadPoolExecutor"}
POOL_METHODS = {
    "map", "imap", "imap_unordered", "starmap", "apply", "apply_async", "map_async",
    "starmap_async",
}
ASYNC_POOL_METHODS = {"apply_async", "map_async", "starmap_async"}
EXECUTOR_METHODS = {"submit", "map"}
UNPICKLABLE_TYPES = {"file", "thread.sync", "thread.queue", "connection", "generator", "mp.Pool",
                     "ProcessPoolExecutor", "ThreadPool", "ThreadPoolExecutor"}


# --------------------------------------------------------------------------------------------
# Model records
# --------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "function" | "class" | "lambda" | "comprehension"
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
    kind: str  # import | def | class | assign | param | with | for | except | augassign | walrus
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


def dotted_name(expr: cst.CSTNode) -> Optional[str]:
    """`a.b.c` -> "a.b.c"; None for anything that is not a plain dotted name."""
    parts = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if isinstance(expr, cst.Name):
        parts.append(expr.value)
        return ".".join(reversed(parts))
    return None


def string_value(expr: Optional[cst.CSTNode]) -> Optional[str]:
    if isinstance(expr, cst.SimpleString):
        try:
            v = expr.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes
            return None
        return v if isinstance(v, str) else None
    return None


def int_value(expr: Optional[cst.CSTNode]) -> Optional[int]:
    """The value of an integer literal, also `10 ** 6` and `4 * 1024`; None for anything else."""
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Power, cst.Multiply)):
        a, b = int_value(expr.left), int_value(expr.right)
        if a is None or b is None:
            return None
        if isinstance(expr.operator, cst.Power):
            return a ** b if 0 <= b < 20 else None
        return a * b
    return None


def is_main_guard_test(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"` in either operand order, either quote style; also as one operand
    of `and` (`if __name__ == "__main__" and not DEBUG:` still never runs in a child)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return is_main_guard_test(test.left) or is_main_guard_test(test.right)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if not isinstance(target.operator, cst.Equal):
            return False
        left, right = test.left, target.comparator
        for a, b in ((left, right), (right, left)):
            if isinstance(a, cst.Name) and a.value == "__name__" and string_value(b) == "__main__":
                return True
    return False


def get_arg(call: cst.Call, name: Optional[str], position: Optional[int]) -> Optional[cst.Arg]:
    """The argument passed by keyword `name` or at `position` (no star-args guessing)."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if name is not None and arg.keyword.value == name:
                return arg
            continue
        if arg.star:
            return None if position is not None and positional <= position else None
        if position is not None and positional == position:
            return arg
        positional += 1
    return None


def has_keyword(call: cst.Call, name: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == name for a in call.args)


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------

_SKIP_FIELDS = {
    "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorator", "header",
    "footer", "trailing_whitespace", "colon", "equal", "dot", "star", "operator", "lbracket",
    "rbracket", "lbrace", "rbrace", "asynchronous", "indent", "first_line", "empty_lines",
    "last_line", "whitespace", "default_indent", "default_newline", "encoding",
}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _semantic_fields(tp: type) -> tuple[str, ...]:
    got = _FIELDS.get(tp)
    if got is None:
        got = tuple(
            f.name
            for f in dataclasses.fields(tp)
            if f.name not in _SKIP_FIELDS and "whitespace" not in f.name
        )
        _FIELDS[tp] = got
    return got


def scope_within(s: Optional["Scope"], ancestor: "Scope") -> bool:
    """Whether scope `s` is `ancestor` or nested inside it."""
    while s is not None:
        if s is ancestor:
            return True
        s = s.parent
    return False


def node_contains(outer: cst.CSTNode, inner: cst.CSTNode) -> bool:
    """Whether `inner` is `outer` or one of its descendants (semantic fields only)."""
    stack = [outer]
    while stack:
        node = stack.pop()
        if node is inner:
            return True
        for name in _semantic_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif type(value) in (list, tuple):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))
    return False


class ModuleModel:
    def __init__(self, module: cst.Module, text: str, path: Optional[str] = None,
                 default_start_method: str = "spawn", layout: Optional[Layout] = None) -> None:
        self.module = module
        self.text = text
        self.path = path
        self.default_start_method = default_start_method
        self.module_scope = Scope("module", module, None)
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
        self._resolve_cache: dict[tuple[int, int], Value] = {}
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
            self._bind_target(node.target, "for", node, None)
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
                self._bind_target(item.asname.name, "with", node, item.item)
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
        scope = Scope("function", node, outer)
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
        outer.bind(Binding(node.name.value, "def", node, seq=info.seq, scope=outer,
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
        scope = Scope("class", node, outer)
        info = ClassInfo(node.name.value, node, scope, outer, self._top, self._guarded,
                         bases=[a.value for a in node.bases])
        scope.cls = info
        self.classes.append(info)
        self.scopes.append(scope)
        self.node_scope[id(node)] = scope
        outer.bind(Binding(node.name.value, "class", node, seq=self._next(), scope=outer,
                           toplevel=outer.kind == "module", guarded=self._guarded))
        saved = self._scope
        self._scope = scope
        self._visit(node.body, node)
        self._scope = saved

    def _v_lambda(self, node: cst.Lambda, parent: cst.CSTNode) -> None:
        self._mark(node)
        self.parents[id(node)] = parent
        self._visit_params(node.params, defaults_only=True)
        scope = Scope("lambda", node, self._scope, function=self._function)
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
        scope = Scope("comprehension", node, self._scope, function=self._function)
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
            self._bind_target(current.target, "for", node, None)
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
            scope.bind(Binding(p.name.value, "param", owner, seq=self._next(), scope=scope))

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
            self._bind_target(t.target, "assign", node, node.value)

    def _v_annassign(self, node: cst.AnnAssign, parent: cst.CSTNode) -> None:
        if node.value is not None:
            self._visit(node.value, node)
        self._visit(node.annotation, node)
        self._bind_target(node.target, "assign", node, node.value)

    def _v_augassign(self, node: cst.AugAssign, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)
        if isinstance(node.target, cst.Name):
            self._record_load(node.target, node)
        self._bind_target(node.target, "augassign", node, None)

    def _v_walrus(self, node: cst.NamedExpr, parent: cst.CSTNode) -> None:
        self._visit(node.value, node)
        self._bind_target(node.target, "assign", node, node.value)

    def _v_import(self, node: cst.Import, parent: cst.CSTNode) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, qual = alias.asname.name.value, full
            else:
                local = full.split(".")[0]
                qual = local
            self._scope.bind(Binding(local, "import", node, qualname=canonical(qual),
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
                self._scope.bind(Binding(name, "import", node, qualname=f"{canonical(base)}.{name}",
                                         seq=self._next(), scope=self._scope,
                                         toplevel=self._scope.kind == "module", guarded=self._guarded))
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._scope.bind(Binding(local, "import", node, qualname=canonical(f"{base}.{name}"),
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
            self._bind_target(node.name.name, "except", node, None)
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

    def scope_of_node(self, node: cst.CSTNode) -> Optional[Scope]:
        return self.node_scope.get(id(node))

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
            v = self.resolve(binding.value, binding.scope, binding.seq, depth + 1)
            if binding.kind == "with" and v.is_type("file"):
                return v
            if binding.unpack_index is not None:
                v = _unpacked(v, binding.unpack_index)
            return v
        return UNKNOWN

    def _resolve_call(self, call: cst.Call, scope: Scope, seq: int, depth: int) -> Value:
        func = self.resolve(call.func, scope, seq, depth + 1)
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

    def explicit_start_methods(self) -> list[tuple[str, CallSite]]:
        """`set_start_method(m)` calls with a literal method, in source order."""
        # Memoised: rules ask once per finding (via start_method_of), and each answer resolves
        # every call of the module (was O(calls x findings): 6 s on a 6k-line file).
        cached = self.__dict__.get("_start_setters")
        if cached is None:
            cached = self.__dict__["_start_setters"] = self._explicit_start_methods()
        return list(cached)

    def _explicit_start_methods(self) -> list[tuple[str, CallSite]]:
        out = []
        for site in self.calls:
            v = self.resolve(site.node.func, site.scope, site.seq)
            is_setter = (v.kind == "ref" and v.qualname == "multiprocessing.set_start_method") or (
                v.kind == "method" and v.qualname == "set_start_method"
                and v.receiver is not None and v.receiver.kind == "module"
            )
            if is_setter:
                arg = get_arg(site.node, "method", 0)
                method = string_value(arg.value) if arg else None
                if method:
                    out.append((method, site))
        return out

    def module_start_method(self) -> str:
        """The start method processes use when no context is given explicitly."""
        setters = self.explicit_start_methods()
        if setters:
            return setters[-1][0]
        return self.default_start_method

    def start_method_of(self, value: Value) -> str:
        if value.start_method and value.start_method != "default":
            return value.start_method
        return self.module_start_method()

    def iter_process_dispatches(self) -> Iterator["Dispatch"]:
        """Every call that ships a callable to another process (or a thread pool, flagged)."""
        # Memoised list: rules call this per candidate (1,000+ times on a 6k-line file).
        cached = self.__dict__.get("_dispatches")
        if cached is None:
            cached = [d for d in map(self.dispatch_of, self.calls) if d is not None]
            self.__dict__["_dispatches"] = cached
        return iter(cached)

    def dispatch_of(self, site: CallSite) -> Optional["Dispatch"]:
        cache = self.__dict__.setdefault("_dispatch_cache", {})
        if id(site) in cache:
            return cache[id(site)]
        d = self._dispatch_of(site)
        cache[id(site)] = d
        return d

    def _dispatch_of(self, site: CallSite) -> Optional["Dispatch"]:
        call = site.node
        func = self.resolve(call.func, site.scope, site.seq)
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
                inst = self.resolve(call, site.scope, site.seq)
                return self._constructor_dispatch(site, inst)
            if name == "run_in_executor":
                ex_arg = get_arg(call, None, 0)
                ex = self.resolve(ex_arg.value, site.scope, site.seq) if ex_arg else UNKNOWN
                if ex.is_type("ProcessPoolExecutor"):
                    worker = get_arg(call, None, 1)
                    return Dispatch(site, "executor.submit", ex, worker, worker_role="task")
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_in_executor":
            # `loop.run_in_executor(pool, f, *args)`: the loop itself is rarely resolvable; the
            # executor argument decides (only a ProcessPoolExecutor pickles).
            ex_arg = get_arg(call, None, 0)
            ex = self.resolve(ex_arg.value, site.scope, site.seq) if ex_arg else UNKNOWN
            if ex.is_type("ProcessPoolExecutor"):
                return Dispatch(site, "executor.submit", ex, get_arg(call, None, 1), worker_role="task")
        inst = None
        if func.kind == "ref" and CONSTRUCTORS.get(func.qualname or "") in (
                "mp.Process", "mp.Pool", "ProcessPoolExecutor", "Thread", "ThreadPool", "ThreadPoolExecutor"):
            inst = self.resolve(call, site.scope, site.seq)
        elif func.kind == "class" and func.class_info is not None and self.class_is_process(func.class_info):
            inst = self.resolve(call, site.scope, site.seq)
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

    def worker_value(self, d: "Dispatch") -> Value:
        if d.worker is None:
            return UNKNOWN
        return self.resolve(d.worker.value, d.site.scope, d.site.seq)

    def worker_functions(self) -> list[tuple[FunctionInfo, "Dispatch"]]:
        """Local functions used as process workers, with one dispatch each (incl. partial)."""
        out = []
        for d in self.iter_process_dispatches():
            if not d.is_process:
                continue
            v = self.worker_value(d)
            while v.kind == "partial" and v.inner is not None:
                v = v.inner
            if v.kind in ("function", "method") and v.function is not None:
                out.append((v.function, d))
        return out

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


@dataclass(eq=False)
class Dispatch:
    site: CallSite
    api: str  # pool.map, executor.submit, process, pool.init, executor.init, ...
    receiver: Value  # the pool/executor/process instance
    worker: Optional[cst.Arg]
    worker_role: str  # task | target | initializer

    @property
    def is_process(self) -> bool:
        return self.receiver.qualname in ("mp.Pool", "ProcessPoolExecutor", "mp.Process")

    @property
    def method(self) -> str:
        return self.api.split(".", 1)[-1]


_KNOWN_MODULES = {
    "multiprocessing", "multiprocessing.pool", "multiprocessing.dummy", "multiprocessing.managers",
    "multiprocessing.shared_memory", "multiprocessing.queues", "multiprocessing.process",
    "concurrent.futures", "concurrent.futures.process", "concurrent.futures.thread", "threading",
    "queue", "io", "builtins", "gzip", "bz2", "lzma", "codecs", "tempfile", "sqlite3", "psycopg2",
    "psycopg", "pymysql", "MySQLdb", "mysql.connector", "pyodbc", "sqlalchemy", "redis", "pymongo",
    "requests", "httpx", "boto3", "numpy", "numpy.random", "pandas", "polars", "torch", "functools",
    "os", "time", "json", "pickle", "logging", "sys", "asyncio", "joblib", "cx_Oracle", "oracledb",
}


_STAR_EXPORTS = {
    "multiprocessing": ("Pool", "Process", "Manager", "Queue", "SimpleQueue", "JoinableQueue", "Lock",
                        "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier",
                        "Value", "Array", "RawValue", "RawArray", "Pipe", "get_context",
                        "set_start_method", "cpu_count", "freeze_support", "current_process"),
    "concurrent.futures": ("ProcessPoolExecutor", "ThreadPoolExecutor", "as_completed", "wait",
                           "Future", "FIRST_COMPLETED", "ALL_COMPLETED", "FIRST_EXCEPTION"),
    "multiprocessing.pool": ("Pool", "ThreadPool"),
    "threading": ("Thread", "Timer", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition",
                  "Event", "Barrier"),
    "queue": ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue"),
}


def canonical(qual: str) -> str:
    for alias, real in MODULE_ALIASES.items():
        if qual == alias or qual.startswith(alias + "."):
            return real + qual[len(alias):]
    return qual


def _unpacked(v: Value, index: int) -> Value:
    if v.is_type("mp.pipe"):
        return Value("instance", "mp.connection", node=v.node)
    return UNKNOWN


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
