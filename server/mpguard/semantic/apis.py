"""Process APIs beyond the standard library: one table, data only (RULES.md, "Process APIs beyond
the standard library").

Each row says, for a callable resolved through imports and aliases, what calling it makes
(:class:`ApiKind`), where the worker callables are, how they are pickled (``pickle``, ``dill``,
``cloudpickle``), under which start methods (every one, or only when children are spawned), when
processes start, and which start method the library picks when the program does not. The resolver
turns a call of a row into an instance whose type is the row's ``name``; :mod:`mpguard.facts.calls`
turns its calls into dispatches that carry ``pickler`` and ``start_methods``; the MP1 and MP2
rules read those facts and need no code per library.

Users add rows with ``[tool.mpguard.process-apis]`` (:func:`user_api`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    from mpguard.config import ProcessApi


class ApiKind:
    POOL = "pool"  # calling it makes a pool; `methods` of the pool ship workers
    PROCESS = "process"  # calling it makes one process (`target=`); `.start()` starts it
    MAP = "map"  # calling it ships `workers` to new processes and waits (process_map, p_map)
    SUBMIT = "submit"  # like MAP, for one call of the worker
    PARALLEL = "parallel"  # joblib.Parallel: calling the instance runs its `delayed(f)` tasks
    LOADER = "loader"  # torch DataLoader: workers start when it is iterated
    DECORATOR = "decorator"  # pebble.concurrent.process: calling the decorated function starts one


class Start:
    """When processes start."""

    CALL = "call"  # the call of the row itself
    DISPATCH = "dispatch"  # the first shipped task (a pool method)
    START = "start"  # `.start()` of the object
    ITERATE = "iterate"  # iterating the object (`for b in loader`, `iter(loader)`, `list(loader)`)
    DECORATED = "decorated"  # each call of the decorated function
    NEVER = "never"  # no process, or none that re-imports `__main__` (loky)


class DefaultMethod:
    """The start method the library uses when the program gives none."""

    PLATFORM = "platform"  # multiprocessing's default context: each platform's default
    FORK_WHERE_AVAILABLE = "fork-where-available"  # mpire: fork, spawn on Windows
    SPAWN = "spawn"  # torch.multiprocessing.spawn/start_processes


EVERY = frozenset({"spawn", "fork", "forkserver"})
SPAWNED = frozenset({"spawn", "forkserver"})  # the methods whose children unpickle a `Process`


@dataclass(frozen=True)
class Param:
    """Where an argument is: by keyword `name`, or at `position` (None: keyword only)."""

    name: str
    position: Optional[int] = None


@dataclass(frozen=True)
class Api:
    name: str  # qualified name of the callable, after module aliases (`torch.utils.data.DataLoader`)
    kind: str  # ApiKind
    label: str  # how messages name it: "`process_map()`" (short: messages stay <= 100 characters)
    pickler: str = "pickle"
    pickled_under: frozenset[str] = EVERY  # start methods under which the workers are pickled
    starts: str = Start.CALL
    default_method: str = DefaultMethod.PLATFORM
    workers: tuple[tuple[Param, str], ...] = ()  # (where, role: task | target | initializer)
    methods: tuple[str, ...] = ()  # POOL: methods that ship a task (worker = their first argument)
    start_method_param: Optional[Param] = None  # an argument that names the start method / context
    thread_methods: tuple[str, ...] = ()  # start methods that run threads, not processes
    # The row applies only when `when_param` is given and is not one of `unless_values`
    # (DataLoader: num_workers=0 runs in the main process) / is one of `only_values`.
    when_param: Optional[Param] = None
    only_values: tuple[object, ...] = ()
    unless_values: tuple[object, ...] = ()
    # pickler chosen by an argument: (param, value that selects `dill`) (mpire's use_dill=True)
    dill_switch: Optional[Param] = None
    min_version: Optional[tuple[int, int]] = None  # exists from this Python on
    dispatch_prefix: str = "library"  # `Dispatch.api` of its tasks: "library.map", or "executor.submit"
    family: str = ""  # the library, for docs
    aliases: tuple[str, ...] = ()  # other qualified names of the same callable (`pebble.pool.ProcessPool`)
    # Context managers that give `when_param` to the calls made inside their `with` when the call
    # does not: (qualified name, where their value is) (`with parallel_backend("multiprocessing"):`)
    when_param_contexts: tuple[tuple[str, Param], ...] = ()


_FN = (Param("fn", 0), "task")
_FUNC = (Param("func", 0), "task")
_FUNCTION = (Param("function", 0), "task")
_POOL_TASK_METHODS = ("map", "imap", "imap_unordered", "starmap", "apply", "apply_async", "map_async",
                      "starmap_async")

APIS: tuple[Api, ...] = (
    # PyTorch ---------------------------------------------------------------------------------
    Api("torch.utils.data.DataLoader", ApiKind.LOADER, "`DataLoader`",
        pickled_under=SPAWNED, starts=Start.ITERATE,
        workers=((Param("collate_fn", 6), "task"), (Param("worker_init_fn", 10), "initializer"),
                 (Param("dataset", 0), "target"), (Param("sampler", 3), "target")),
        start_method_param=Param("multiprocessing_context", 11),
        when_param=Param("num_workers", 5), unless_values=(0,), family="torch",
        aliases=("torch.utils.data.dataloader.DataLoader",)),
    # torch.multiprocessing is multiprocessing (semantic.library.MODULE_ALIASES), plus these two:
    Api("multiprocessing.spawn", ApiKind.MAP, "`spawn()`", workers=(_FN,),
        default_method=DefaultMethod.SPAWN, family="torch"),
    Api("multiprocessing.start_processes", ApiKind.MAP, "`start_processes()`",
        workers=(_FN,), default_method=DefaultMethod.SPAWN, start_method_param=Param("start_method", 5),
        family="torch"),
    # tqdm --------------------------------------------------------------------------------------
    Api("tqdm.contrib.concurrent.process_map", ApiKind.MAP, "`process_map()`", workers=(_FN,), family="tqdm"),
    Api("tqdm.contrib.concurrent.interpreter_map", ApiKind.MAP, "`interpreter_map()`", workers=(_FN,),
        default_method=DefaultMethod.SPAWN, min_version=(3, 14), family="tqdm"),  # InterpreterPoolExecutor
    # dill-based: start safety only ------------------------------------------------------------
    Api("multiprocess.Pool", ApiKind.POOL, "`multiprocess.Pool`", pickler="dill", methods=_POOL_TASK_METHODS,
        workers=((Param("initializer", 1), "initializer"),), family="multiprocess",
        aliases=("multiprocess.pool.Pool",)),
    Api("multiprocess.Process", ApiKind.PROCESS, "`multiprocess.Process`", pickler="dill", starts=Start.START,
        pickled_under=SPAWNED, workers=((Param("target", 1), "target"),), family="multiprocess"),
    *(Api(f"pathos.multiprocessing.{cls}", ApiKind.POOL, f"`{cls}`", pickler="dill", starts=Start.DISPATCH,
          methods=("map", "imap", "uimap", "amap", "apipe", "pipe"), family="pathos",
          aliases=(f"pathos.pools.{cls}", f"pathos.{cls}"))
      for cls in ("ProcessPool", "ProcessingPool")),
    *(Api(f"p_tqdm.{fn}", ApiKind.MAP, f"`{fn}()`", pickler="dill", workers=((Param("function", 0), "task"),),
          family="p_tqdm", aliases=(f"p_tqdm.p_tqdm.{fn}",))
      for fn in ("p_map", "p_imap", "p_umap", "p_uimap")),
    # joblib: the multiprocessing backend pickles; loky (the default) uses cloudpickle and needs
    # no guard; threading starts no process. `Parallel()` reads the backend of the enclosing
    # `with parallel_backend(...)` / `with parallel_config(backend=...)` when it is made.
    Api("joblib.Parallel", ApiKind.PARALLEL, "`Parallel(...)`", starts=Start.DISPATCH,
        when_param=Param("backend", 1), only_values=("multiprocessing",), family="joblib",
        when_param_contexts=tuple((f"joblib{module}.{name}", Param("backend", 0))
                                  for module in ("", ".parallel") for name in ("parallel_backend", "parallel_config"))),
    # pebble -------------------------------------------------------------------------------------
    Api("pebble.ProcessPool", ApiKind.POOL, "`pebble.ProcessPool`", starts=Start.DISPATCH,
        methods=("schedule", "map", "submit"), workers=((Param("initializer", 2), "initializer"),),
        start_method_param=Param("context", 4), family="pebble", aliases=("pebble.pool.ProcessPool",)),
    Api("pebble.concurrent.process", ApiKind.DECORATOR, "`@concurrent.process`", pickled_under=SPAWNED,
        starts=Start.DECORATED, family="pebble"),
    # mpire: fork where available; pickles under spawn, dill with use_dill=True --------------------
    Api("mpire.WorkerPool", ApiKind.POOL, "`WorkerPool`", pickled_under=SPAWNED, starts=Start.DISPATCH,
        methods=("map", "map_unordered", "imap", "imap_unordered", "apply", "apply_async"),
        default_method=DefaultMethod.FORK_WHERE_AVAILABLE, start_method_param=Param("start_method"),
        thread_methods=("threading",), dill_switch=Param("use_dill"), family="mpire"),
    # concurrent.futures.InterpreterPoolExecutor (3.14): interpreters, not processes, but they
    # unpickle the task and import `__main__` to find it (CPython gh-136659).
    Api("concurrent.futures.InterpreterPoolExecutor", ApiKind.POOL, "`InterpreterPoolExecutor`",
        starts=Start.DISPATCH, methods=("submit", "map"), default_method=DefaultMethod.SPAWN,
        workers=((Param("initializer", 2), "initializer"),), min_version=(3, 14), dispatch_prefix="executor",
        family="concurrent.futures", aliases=("concurrent.futures.interpreter.InterpreterPoolExecutor",)),
)

# Calls that iterate their first argument (a DataLoader starts its workers then).
ITERATING_CALLS = ("iter", "next", "list", "tuple", "enumerate", "zip", "sorted", "tqdm", "tqdm.tqdm",
                   "tqdm.auto.tqdm")

# The module roots the prefilter must let through (a file importing none of them is skipped), with
# the words a file importing them must also contain to hold a process API: most files importing
# torch, tqdm or joblib use none (tensors, progress bars, joblib.dump), and need no parse.
MODULE_ROOTS: dict[str, tuple[str, ...]] = {
    "torch": ("DataLoader", "multiprocessing", "spawn", "start_processes"),
    "tqdm": ("process_map", "interpreter_map"),
    "joblib": ("multiprocessing",),
    "multiprocess": (), "pathos": (), "p_tqdm": (), "pebble": (), "mpire": (),
}

_BY_NAME = {name: api for api in APIS for name in (api.name, *api.aliases)}

_USER_KIND = {"pool": ApiKind.POOL, "process": ApiKind.PROCESS, "map": ApiKind.MAP, "submit": ApiKind.SUBMIT}


def user_api(decl: "ProcessApi") -> Api:
    """The row of a `[tool.mpguard.process-apis]` declaration. A declared pool ships tasks through
    the methods of multiprocessing's Pool and of executors; a process takes `target=`."""
    kind = _USER_KIND[decl.kind]
    short = decl.name.rsplit(".", 1)[-1]
    if kind == ApiKind.POOL:
        return Api(decl.name, kind, f"`{short}`", pickler=decl.pickler, starts=Start.DISPATCH,
                   methods=(*_POOL_TASK_METHODS, "submit", "schedule"), family="user")
    if kind == ApiKind.PROCESS:
        return Api(decl.name, kind, f"`{short}(target=...)`", pickler=decl.pickler, starts=Start.START,
                   pickled_under=SPAWNED, workers=((Param("target", 0), "target"),), family="user")
    return Api(decl.name, kind, f"`{short}()`", pickler=decl.pickler, workers=(_FN,), family="user")


def api_table(declared: Iterable["ProcessApi"] = ()) -> dict[str, Api]:
    """The rows by qualified name (and alias): the built-in ones, then the user's (which win)."""
    table = dict(_BY_NAME)
    for decl in declared:
        table[decl.name] = user_api(decl)
    return table

