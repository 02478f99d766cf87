"""The closed vocabularies of the model: start methods, scope and binding kinds, value kinds,
object types, dispatch APIs.

Each is a small backport of `enum.StrEnum` (3.11+; Python 3.10 is supported): a member is a
`str` equal to its value (so records built from strings and tests written against them agree,
in comparisons, sets, dict keys, f-strings and JSON) that also knows its `name`. Rules name the
members (`ObjectType.POOL`, never the string), so a typo is an AttributeError, not a silent miss.

Not `enum.Enum` itself: on Python 3.11 `EnumType` defines `__getattr__`, which turns every
`ObjectType.POOL` into a Python-level lookup (~120 ns instead of ~35 ns), and rules evaluate
such names in their inner loops: measured +15-30 % analysis time on a 6,000-line file.
"""

from __future__ import annotations


class _Member(str):
    """One member of a vocabulary: the string value, plus its name."""

    __slots__ = ("name",)

    def __new__(cls, value: str, name: str) -> "_Member":
        member = super().__new__(cls, value)
        member.name = name
        return member

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__.rsplit('.', 1)[0]}.{self.name}: {self.value!r}>"

    def __reduce__(self):  # pickles as the plain string (workers, caches)
        return (str, (self.value,))


class _StrEnum:
    """Base of a vocabulary: `NAME = "value"` class attributes become members (instances of a
    per-vocabulary `_Member` subclass, so `isinstance(x, StartMethod.Member)` tells them apart).
    Plain class: no metaclass, attribute access at C speed."""

    Member: type[_Member] = _Member
    _members: tuple[_Member, ...] = ()
    _by_value: dict[str, _Member] = {}

    def __init_subclass__(cls) -> None:
        member_type = type(f"{cls.__qualname__}.Member", (cls.Member,), {"__slots__": ()})
        members = []
        for name, value in list(vars(cls).items()):
            if name.isupper() and isinstance(value, str):
                member = member_type(value, name)
                setattr(cls, name, member)
                members.append(member)
        cls.Member = member_type
        cls._members = tuple(members)
        cls._by_value = {m.value: m for m in members}

    @classmethod
    def members(cls) -> tuple[_Member, ...]:
        return cls._members

    @classmethod
    def of(cls, value: str) -> _Member:
        """The member with this value (KeyError when there is none)."""
        return cls._by_value[value]

    @classmethod
    def known(cls, value: object) -> bool:
        return isinstance(value, str) and value in cls._by_value



class StartMethod(_StrEnum):
    SPAWN = "spawn"
    FORK = "fork"
    FORKSERVER = "forkserver"


class ScopeKind(_StrEnum):
    """What code a `Scope` is the namespace of."""

    MODULE = "module"
    FUNCTION = "function"
    CLASS = "class"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class BindingKind(_StrEnum):
    """How a `Binding` binds its name."""

    IMPORT = "import"
    DEF = "def"
    CLASS = "class"
    ASSIGN = "assign"  # `x = ...`, `x: T = ...`, `x := ...`
    AUGASSIGN = "augassign"
    PARAM = "param"
    FOR = "for"
    WITH = "with"
    EXCEPT = "except"


class ValueKind(_StrEnum):
    """What `resolve(expr)` found."""

    MODULE = "module"
    REF = "ref"  # a library callable or attribute, by qualified name
    INSTANCE = "instance"  # an object of an ObjectType (or of a local class: qualname = class name)
    FUNCTION = "function"  # a local def
    CLASS = "class"  # a local class
    LAMBDA = "lambda"
    PARTIAL = "partial"  # functools.partial(...)
    METHOD = "method"  # a bound method; receiver says of what
    UNKNOWN = "unknown"


class ObjectType(_StrEnum):
    """Types of the objects the rules reason about (the `qualname` of an instance Value)."""

    POOL = "mp.Pool"
    THREAD_POOL = "ThreadPool"
    PROCESS = "mp.Process"
    THREAD = "Thread"
    PROCESS_POOL_EXECUTOR = "ProcessPoolExecutor"
    INTERPRETER_POOL_EXECUTOR = "concurrent.futures.InterpreterPoolExecutor"  # 3.14 (semantic.apis)
    THREAD_POOL_EXECUTOR = "ThreadPoolExecutor"
    CONTEXT = "mp.context"
    MANAGER = "mp.Manager"
    MANAGER_PROXY = "manager.proxy"
    SHARED = "mp.shared"  # Value, Array, SharedMemory
    PIPE = "mp.pipe"  # the (conn, conn) pair
    CONNECTION_END = "mp.connection"  # one end of a Pipe
    MP_SYNC = "mp.sync"
    MP_QUEUE = "mp.queue"
    THREAD_SYNC = "thread.sync"
    THREAD_LOCK = "thread.lock"
    THREAD_RLOCK = "thread.rlock"
    THREAD_QUEUE = "thread.queue"
    ASYNC_RESULT = "async_result"
    FUTURE = "future"
    RESULT_ITERATOR = "result_iterator"
    FILE = "file"
    CONNECTION = "connection"  # database / network client
    LOGGER = "logger"
    NDARRAY = "ndarray"
    DATAFRAME = "dataframe"
    GENERATOR = "generator"
    SEQUENCE = "sequence"
    DICT = "dict"
    STR = "str"
    NUMBER = "number"


PROCESS_POOLS = frozenset({ObjectType.POOL, ObjectType.PROCESS_POOL_EXECUTOR})
THREAD_POOLS = frozenset({ObjectType.THREAD_POOL, ObjectType.THREAD_POOL_EXECUTOR})
POOLS = frozenset({ObjectType.POOL, ObjectType.THREAD_POOL})  # multiprocessing.pool.Pool and ThreadPool
EXECUTORS = frozenset({ObjectType.PROCESS_POOL_EXECUTOR, ObjectType.THREAD_POOL_EXECUTOR})
PROCESS_RUNNERS = frozenset({ObjectType.POOL, ObjectType.PROCESS_POOL_EXECUTOR, ObjectType.PROCESS})


class DispatchApi(_StrEnum):
    """How a callable is shipped to a worker (`Dispatch.api`)."""

    PROCESS = "process"  # Process(target=...) / Thread(target=...)
    POOL_INIT = "pool.init"  # Pool(initializer=...)
    EXECUTOR_INIT = "executor.init"
    EXECUTOR_SUBMIT = "executor.submit"
    EXECUTOR_MAP = "executor.map"
    POOL_MAP = "pool.map"
    POOL_IMAP = "pool.imap"
    POOL_IMAP_UNORDERED = "pool.imap_unordered"
    POOL_STARMAP = "pool.starmap"
    POOL_APPLY = "pool.apply"
    POOL_APPLY_ASYNC = "pool.apply_async"
    POOL_MAP_ASYNC = "pool.map_async"
    POOL_STARMAP_ASYNC = "pool.starmap_async"
    # process APIs of other libraries (semantic.apis): `Dispatch.library` names the row
    LIBRARY_TASK = "library.task"  # a pool method, process_map(fn, ...), Parallel(...)(delayed(fn)...)
    LIBRARY_TARGET = "library.target"  # a process object's target
    LIBRARY_INIT = "library.init"  # a pool's initializer, DataLoader(worker_init_fn=...)
