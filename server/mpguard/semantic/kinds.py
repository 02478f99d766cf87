"""The closed vocabularies of the model: start methods, value kinds, object types, dispatch APIs.

``(str, Enum)`` rather than ``enum.StrEnum`` (3.11+): Python 3.10 is supported. A member compares
equal to its string value, so records built from strings and tests written against them agree;
rules name the members (`ObjectType.POOL`, never the string), so a typo is an AttributeError at
import, not a silent miss.
"""

from __future__ import annotations

from enum import Enum


class _StrEnum(str, Enum):
    """A member is its value wherever a string is: equal, same hash (sets, dict keys), same
    text in f-strings and JSON."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return self.value.__format__(spec)

    def __hash__(self) -> int:
        return hash(self.value)


class StartMethod(_StrEnum):
    SPAWN = "spawn"
    FORK = "fork"
    FORKSERVER = "forkserver"

    @classmethod
    def known(cls, method: object) -> bool:
        return method in _START_METHOD_VALUES

    @property
    def reimports_main(self) -> bool:
        """spawn and forkserver children import the main module afresh; fork children inherit it."""
        return self is not StartMethod.FORK


_START_METHOD_VALUES = frozenset(m.value for m in StartMethod)


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

    @property
    def method(self) -> str:
        return self.value.split(".", 1)[-1]
