"""What crosses the process boundary, and when it is pickled (shared by the MP2 rules).

* The callable of a Pool/Executor *task* (`map`, `apply_async`, `submit`, ...) goes through the
  task queue, so it is pickled under **every** start method.
* `Process(target=...)`, `Pool(initializer=...)` and `ProcessPoolExecutor(initializer=...)` hand
  the callable to a `Process` object, which is pickled only when the child is *spawned*
  (`spawn`, `forkserver`); `fork` children inherit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.semantic.apis import EVERY as EVERY_METHOD
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import CallSite, ClassInfo, Scope, Value

EVERY = "every"  # pickled under every start method

ROLE_TEXT = {
    "task": "task function",
    "target": "`Process` target",
    "initializer": "initializer",
}


def when_pickled(model: ModuleModel, d: Dispatch) -> Optional[str]:
    """None when the dispatched callable is never pickled by `pickle` (threads, a fork child,
    libraries that use dill or cloudpickle); EVERY for pool/executor tasks; else the start method
    (spawn/forkserver) that pickles it."""
    if not d.is_process or d.pickler != "pickle":
        return None
    if d.api == "process" and model.facts.starts.never_started(d.site):
        return None
    if d.start_methods == EVERY_METHOD:
        return EVERY
    method = model.start_method_of(d.receiver)
    return method if method in d.start_methods or method not in EVERY_METHOD else None


def is_task(d: Dispatch) -> bool:
    """Whether the callable is pickled under every start method (a task through a queue)."""
    return d.start_methods == EVERY_METHOD


def api_text(d: Dispatch) -> str:
    if d.label is not None:
        return d.label
    if d.api == "process":
        return "`Process(target=...)`"
    if d.api == "pool.init":
        return "`Pool(initializer=...)`"
    if d.api == "executor.init":
        return "`ProcessPoolExecutor(initializer=...)`"
    kind, method = d.api.split(".", 1)
    return f"`{'Pool' if kind == 'pool' else 'ProcessPoolExecutor'}.{method}()`"


def when_text(when: str) -> str:
    if when == EVERY:
        return "under every start method (tasks travel through a pickled queue)"
    return f"under the `{when}` start method"


def is_partial(model: ModuleModel, call: cst.CSTNode, site: CallSite) -> bool:
    if not isinstance(call, cst.Call):
        return False
    v = model.resolve(call.func, site.scope, site.seq)
    return v.kind == "ref" and v.qualname == "functools.partial"


@dataclass
class Worker:
    """The callable a dispatch ships, after looking through `functools.partial(...)`."""

    dispatch: Dispatch
    value: Value  # unwrapped value
    use: cst.BaseExpression  # the innermost expression at the call site (inside any partial)
    through_partial: bool
    when: str  # EVERY or a start method


def iter_workers(model: ModuleModel) -> Iterator[Worker]:
    """Every callable that is pickled to a child process, with when it is pickled."""
    for d in model.iter_process_dispatches():
        if d.worker is None:
            continue
        when = when_pickled(model, d)
        if when is None:
            continue
        v = model.worker_value(d)
        use = d.worker.value
        through = False
        while isinstance(use, cst.Call) and is_partial(model, use, d.site):
            first = get_arg(use, None, 0)
            if first is None:
                break
            use = first.value
            through = True
        while v.kind == "partial" and v.inner is not None:
            v = v.inner
            through = True
        yield Worker(d, v, use, through, when)


def call_site_of(model: ModuleModel, call: cst.CSTNode) -> Optional[CallSite]:
    return model.facts.calls.site_of(call)


def constructor_qualname(model: ModuleModel, value: Value) -> Optional[str]:
    """The qualified name of the library callable that created an instance (`threading.Lock`)."""
    node = value.node
    if not isinstance(node, cst.Call):
        return None
    site = call_site_of(model, node)
    if site is None:
        return None
    func = model.resolve(node.func, site.scope, site.seq)
    if func.kind == "ref":
        return func.qualname
    if func.kind == "method" and func.receiver is not None:
        recv = func.receiver
        if recv.kind == "instance":
            base = constructor_qualname(model, recv) if recv.qualname == "connection" else recv.qualname
            return f"{base}().{func.qualname}"
    return None


def enclosing_scope_of(model: ModuleModel, node: cst.CSTNode) -> Optional[Scope]:
    """The scope a lambda/def/class node is evaluated in (the parent of its own scope)."""
    own = model.node_scope.get(id(node))
    return own.parent if own is not None else None


def literal_elements(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is not None and b.kind == "assign" and b.unpack_index is None and isinstance(b.value, (cst.Tuple, cst.List)):
            return [e.value for e in b.value.elements if isinstance(e, cst.Element)]
        return []
    if isinstance(expr, (cst.Tuple, cst.List)):
        return [e.value for e in expr.elements if isinstance(e, cst.Element)]
    if isinstance(expr, cst.Dict):
        return [e.value for e in expr.elements if isinstance(e, cst.DictElement)]
    return []


def inherited_payload(model: ModuleModel, d: Dispatch) -> Iterator[cst.BaseExpression]:
    """The objects a dispatch hands to a child process object: `Process(args=, kwargs=)`, a
    `Process` subclass's constructor arguments, `initargs` (inherited under fork, pickled when the
    child is spawned)."""
    call = d.site.node
    if d.api == "process" and d.receiver.class_info is None:
        for name, pos in (("args", 3), ("kwargs", 4)):
            a = get_arg(call, name, pos)
            if a is not None:
                yield from literal_elements(model, a.value, d.site.scope, d.site.seq)
    elif d.api == "process":
        # A Process subclass: its constructor arguments usually end up on `self`, and the whole
        # instance is pickled by `start()` under spawn/forkserver (inherited as a copy under fork).
        for a in call.args:
            if not a.star:
                yield a.value
    elif d.api in ("pool.init", "executor.init") and d.is_process:
        a = get_arg(call, "initargs", 2 if d.api == "pool.init" else 3)
        if a is not None:
            yield from literal_elements(model, a.value, d.site.scope, d.site.seq)


# --------------------------------------------------------------------------------------------
# what cannot cross (MP203, MP205, MP208 and the type-aware lane)
# --------------------------------------------------------------------------------------------

# DB-API connections that are C objects (or hold one) and really cannot be pickled. Pure-Python
# clients that only hold sockets may pickle through multiprocessing's socket reducer: not listed.
_DB_CONNECT = {"sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pyodbc.connect",
               "MySQLdb.connect", "cx_Oracle.connect"}
_SHARED_CTYPES = ("Value", "Array", "RawValue", "RawArray")


def classify(model: ModuleModel, v: Value, task: bool) -> Optional[tuple[str, str, str]]:
    """(what it is, the error pickling raises, what to do) for values that cannot cross."""
    if v.kind != "instance":
        return None
    t = v.qualname
    ctor = constructor_qualname(model, v) or ""
    if t == "file":
        return ("an open file", "TypeError: cannot pickle '_io.TextIOWrapper' object",
                "Pass the path and open the file in the worker.")
    if t in ("thread.sync", "thread.queue") and not task:
        return None  # Process(args=)/initargs: MP504 reports thread primitives there, with a fix
    if t == "thread.sync" and ctor.startswith(("threading.", "multiprocessing.dummy.")):
        name = ctor.rsplit(".", 1)[-1]
        err = "'_thread.RLock'" if name == "RLock" else "'_thread.lock'"
        fix = ("Use `multiprocessing.Manager().Lock()`, or give the workers a `multiprocessing` lock once "
               "through `initializer`/`initargs`." if task else
               f"Use `multiprocessing.{name}()`, which is made to be shared with child processes.")
        return (f"a `threading.{name}`", f"TypeError: cannot pickle {err} object", fix)
    if t == "thread.queue" and ctor.startswith(("queue.", "multiprocessing.dummy.")):
        name = ctor.rsplit(".", 1)[-1]
        err = "'_queue.SimpleQueue'" if name == "SimpleQueue" else "'_thread.lock'"
        return (f"a `queue.{name}` (a thread queue)", f"TypeError: cannot pickle {err} object",
                "Use `multiprocessing.Manager().Queue()`." if task else "Use `multiprocessing.Queue()`.")
    if t == "connection":
        base = ctor.split("()", 1)[0]
        if base not in _DB_CONNECT:
            return None
        kind = "cursor" if ctor.endswith(".cursor") else "connection"
        return (f"a `{base.split('.')[0]}` database {kind}",
                f"TypeError: cannot pickle the {kind} object",
                "Pass the connection parameters (e.g. the database path) and connect in the worker or in an "
                "initializer.")
    if t == "generator":
        return ("a generator", "TypeError: cannot pickle 'generator' object",
                "Pass `list(...)` of it, or the parameters the worker needs to produce the items itself.")
    if t in ("mp.Pool", "ThreadPool"):
        return ("a pool", "NotImplementedError: pool objects cannot be passed between processes or pickled",
                "Workers cannot use the parent's pool: return data to the parent and submit follow-up work there.")
    if t in ("ProcessPoolExecutor", "ThreadPoolExecutor"):
        return ("an executor", "TypeError: cannot pickle '_thread.lock' object",
                "Workers cannot use the parent's executor: return data to the parent and submit follow-up work there.")
    if not task:
        return None  # multiprocessing primitives are inherited by Process/initializer: supported
    if t == "mp.queue":
        return ("a `multiprocessing` queue",
                "RuntimeError: Queue objects should only be shared between processes through inheritance",
                "Use `multiprocessing.Manager().Queue()`, or hand the queue to the workers once through "
                "`initializer`/`initargs`.")
    if t == "mp.sync":
        return ("a `multiprocessing` synchronization primitive",
                "RuntimeError: ... objects should only be shared between processes through inheritance",
                "Use the `multiprocessing.Manager()` equivalent, or hand it to the workers once through "
                "`initializer`/`initargs`.")
    if t == "mp.shared" and ctor.rsplit(".", 1)[-1] in _SHARED_CTYPES and "shared_memory" not in ctor:
        return ("a shared `multiprocessing` Value/Array",
                "RuntimeError: Synchronized objects should only be shared between processes through inheritance",
                "Hand it to the workers once through `initializer`/`initargs`, or use a `Manager()` value.")
    return None


CUSTOM_PICKLING = ("__getstate__", "__reduce__", "__reduce_ex__")


def pickles_custom(model: ModuleModel, cls: ClassInfo, depth: int = 0) -> bool:
    """The class (or a base class of this module) says itself what its instances pickle
    (`__getstate__`, `__reduce__`, `__reduce_ex__`): their attributes are not the payload."""
    if any(m in cls.methods for m in CUSTOM_PICKLING):
        return True
    if depth > 8:
        return False
    for base in cls.bases:
        v = model.resolve(base, cls.defining_scope)
        if v.kind == "class" and v.class_info is not None and pickles_custom(model, v.class_info, depth + 1):
            return True
    return False


def payload(model: ModuleModel, d: Dispatch) -> Iterator[tuple[cst.BaseExpression, bool, str]]:
    """(expression at the call site, is it an iterable of items, how it is sent)."""
    call = d.site.node
    method = d.api.split(".", 1)[-1]
    # Arguments bound with functools.partial travel with the pickled function.
    w = d.worker.value if d.worker is not None else None
    while w is not None and is_partial(model, w, d.site):
        assert isinstance(w, cst.Call)
        for i, a in enumerate(w.args):
            if i == 0 and a.keyword is None:
                continue
            if not a.star:
                yield a.value, False, "`functools.partial` arguments"
        first = get_arg(w, None, 0)
        w = first.value if first is not None else None
    if d.api.startswith("pool.") and method in ("apply", "apply_async"):
        for name, pos in (("args", 1), ("kwds", 2)):
            a = get_arg(call, name, pos)
            if a is not None:
                yield a.value, False, "arguments"
    elif d.api.startswith("pool.") and method != "init":
        a = get_arg(call, "iterable", 1)
        if a is not None:
            yield a.value, True, "items"
    elif d.api in ("executor.submit", "executor.map"):
        after = False
        for a in call.args:
            if d.worker is not None and a is d.worker:
                after = True
                continue
            if not after or a.star or (a.keyword is not None and (d.api == "executor.map" or a.keyword.value == "fn")):
                continue
            yield a.value, d.api == "executor.map", "arguments" if d.api == "executor.submit" else "items"
    elif d.api == "process":
        subclass = d.receiver.class_info is not None
        for name, pos in (("args", 3), ("kwargs", 4)):
            a = get_arg(call, name, None if subclass else pos)
            if a is not None:
                yield a.value, False, "Process arguments"
    elif d.api in ("pool.init", "executor.init"):
        a = get_arg(call, "initargs", 2 if d.api == "pool.init" else 3)
        if a is not None:
            yield a.value, False, "initargs"


def _literal(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int
             ) -> Optional[tuple[cst.BaseExpression, Scope, int]]:
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is None or b.kind != "assign" or b.value is None or b.scope is None or b.unpack_index is not None:
            return None
        if isinstance(b.value, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return b.value, b.scope, b.seq
        return None
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return expr, scope, seq
    return None


def leaves(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int, iterable: bool,
           anchor: Optional[cst.BaseExpression] = None, depth: int = 0
           ) -> Iterator[tuple[cst.BaseExpression, cst.BaseExpression, Scope, int]]:
    """(report node, leaf expression, scope, seq) for every object that gets pickled."""
    if depth > 5:
        return
    lit = _literal(model, expr, scope, seq)
    if lit is not None and anchor is None and isinstance(expr, cst.Name):
        anchor = expr
    if iterable:
        if lit is None:
            return
        node, sc, sq = lit
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for el in node.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
        elif isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            inner = model.node_scope.get(id(node))
            if inner is not None:
                yield from leaves(model, node.elt, inner, sq, False, anchor, depth + 1)
        return
    if lit is not None:
        node, sc, sq = lit
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for el in node.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
            return
        if isinstance(node, cst.Dict):
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
            return
        if isinstance(node, (cst.ListComp, cst.SetComp)):
            inner = model.node_scope.get(id(node))
            if inner is not None:
                yield from leaves(model, node.elt, inner, sq, False, anchor, depth + 1)
            return
    yield (anchor or expr), expr, scope, seq


LeafClassifier = Callable[[cst.BaseExpression, Scope, int, bool],
                          tuple[Optional[tuple[str, str, str]], Optional[cst.CSTNode]]]


class Pickling:
    """What the dispatches of a module pickle, and which of it cannot be pickled."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self._classifier: Optional[LeafClassifier] = None

    def classify_leaf(self, leaf: cst.BaseExpression, scope: Scope, seq: int, task: bool
                      ) -> tuple[Optional[tuple[str, str, str]], Optional[cst.CSTNode]]:
        """((what, error, advice) or None, the node that created the value or None)."""
        if self._classifier is not None:
            return self._classifier(leaf, scope, seq, task)
        model = self.model
        v = model.resolve(leaf, scope, seq)
        created = v.node if isinstance(v.node, cst.Call) and v.node is not leaf else None
        return classify(model, v, task), created

    @contextmanager
    def classified_by(self, classifier: LeafClassifier) -> Iterator[None]:
        """Classify payload leaves with `classifier` meanwhile (the type-aware lane's answers)."""
        saved = self._classifier
        self._classifier = classifier
        try:
            yield
        finally:
            self._classifier = saved
