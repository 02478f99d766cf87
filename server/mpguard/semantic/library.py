"""What mpguard knows about libraries: which callables construct which kind of object, which
methods dispatch work, which modules re-export multiprocessing. Data only."""

from __future__ import annotations

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
