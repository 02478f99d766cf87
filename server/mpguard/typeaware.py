"""Type-aware checks with jedi: MP203/MP301 for arguments whose type the syntactic model cannot see,
and MP201/MP202/MP207 for workers imported from other modules of the project.

The syntactic rules only fire on what :meth:`ModuleModel.resolve` can prove locally. Here, for the
expressions a process dispatch pickles that resolve to *unknown* (a factory from another module, a
return annotation, a class attribute annotation), jedi is asked for their type; its full names are
mapped to the model's instance kinds (``_io.TextIOWrapper`` -> ``file``, ``numpy.ndarray`` ->
``ndarray``...). The answers are then fed to the same rule logic:

* MP301 reruns :mod:`mpguard.rules.mp301_large_argument_pickled` with a resolver that also knows
  jedi's answers (``model.resolving_with``), so loop/partial/iterable logic and messages are the rule's own.
* MP203 reruns the rule with jedi's answers classifying its payload
  (``model.facts.pickling.classified_by``), reusing ``classify``'s texts (threading locks and DB
  connections, which the rule identifies by constructor, get the same wording here).
* Workers: ``jedi goto``/``infer`` on the worker expression; a lambda bound to a name, a nested
  function or an ``async def`` defined in *another file* gives MP201 / MP202 / MP207.

Contract: never raises (logs and returns ``[]``); answers jedi does not give produce no finding;
a finding with the same code and range as a syntactic one is never produced; results are cached
per ``(path, hash(text), root, environment)``; jedi work is time-boxed by ``budget_s``. The jedi
queries run on one background thread (jedi is not thread-safe): when the budget runs out,
:func:`analyze` returns what it has and the job keeps going (up to ``_HARD_CAP_S``) to fill the
cache, so the next request for the same file version gets the complete answer.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import libcst as cst

from mpguard.catalogue import CATALOGUE
from mpguard.findings import Finding, Range
from mpguard.semantic.records import scope_within
from mpguard.semantic.walk import node_contains

if False:  # typing only
    from mpguard.config import Config

log = logging.getLogger("mpguard.typeaware")

_CACHE_SIZE = 64
_HARD_CAP_S = 30.0  # a background job stops asking jedi after this long
_MAX_QUERIES = 200  # per file

# jedi full name -> model instance kind
TYPE_KINDS: dict[str, str] = {
    "_io.TextIOWrapper": "file",
    "io.TextIOWrapper": "file",
    "_io.BufferedReader": "file",
    "io.BufferedReader": "file",
    "_io.BufferedWriter": "file",
    "io.BufferedWriter": "file",
    "_io.BufferedRandom": "file",
    "io.BufferedRandom": "file",
    "_io.FileIO": "file",
    "io.FileIO": "file",
    "typing.TextIO": "file",
    "typing.BinaryIO": "file",
    "typing.IO": "file",
    "threading.Lock": "thread.lock",
    "_thread.lock": "thread.lock",
    "_thread.LockType": "thread.lock",
    "_thread.allocate_lock": "thread.lock",
    "threading.RLock": "thread.rlock",
    "threading._RLock": "thread.rlock",
    "_thread.RLock": "thread.rlock",
    "sqlite3.Connection": "connection",
    "sqlite3.dbapi2.Connection": "connection",
    "sqlite3.Cursor": "cursor",
    "sqlite3.dbapi2.Cursor": "cursor",
    "builtins.generator": "generator",
    "typing.Generator": "generator",
    "collections.abc.Generator": "generator",
    "types.GeneratorType": "generator",
    "numpy.ndarray": "ndarray",
    "pandas.DataFrame": "dataframe",
    "pandas.core.frame.DataFrame": "dataframe",
    "polars.DataFrame": "dataframe",
    "polars.dataframe.frame.DataFrame": "dataframe",
    "multiprocessing.pool.Pool": "mp.Pool",
    "multiprocessing.Pool": "mp.Pool",
    "multiprocessing.pool.ThreadPool": "ThreadPool",
    "concurrent.futures.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor": "ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "ThreadPoolExecutor",
    "multiprocessing.queues.Queue": "mp.queue",
    "multiprocessing.queues.JoinableQueue": "mp.queue",
    "multiprocessing.queues.SimpleQueue": "mp.queue",
    "multiprocessing.Queue": "mp.queue",
}
# Kinds the model itself uses (Value.qualname of an instance).
_MODEL_KIND = {"thread.lock": "thread.sync", "thread.rlock": "thread.sync", "cursor": "connection"}


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------

def analyze(text: str, path: Optional[str], root: Optional[str] = None,
            environment_path: Optional[str] = None, budget_s: float = 1.5,
            config: Optional["Config"] = None,
            on_complete: Optional[Callable[[list[Finding]], None]] = None) -> list[Finding]:
    """Type-aware findings for one file version (see the module docstring). Never raises.

    ``config`` (default: ``Config()``) decides enabled codes and severities; suppression comments
    in the text apply as for the syntactic findings. When the budget runs out, the partial result
    is returned and ``on_complete`` (if given) is called later, from the jedi thread, with the
    complete findings (it is not called when the answer came within the budget).
    """
    try:
        key = _cache_key(text, path, root, environment_path) + (id(config) if config is not None else None,)
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return list(hit)
            job = _pending.get(key)
        if budget_s <= 0:
            return []
        if job is None:
            job = _Job(text, path, root, environment_path, config)
            with _lock:
                _pending[key] = job
            job.future = _executor().submit(_run_job, job, key)
        try:
            return list(job.future.result(timeout=budget_s))
        except concurrent.futures.TimeoutError:
            job.timed_out = True
            if on_complete is not None:
                job.future.add_done_callback(lambda fut: _notify(fut, on_complete))
            return _filtered(job)
    except Exception:  # noqa: BLE001 - the contract: never raise
        log.exception("type-aware analysis failed for %s", path or "<buffer>")
        return []


def warm_up(root: Optional[str] = None, environment_path: Optional[str] = None) -> None:
    """Import jedi and run one tiny inference (fills jedi's typeshed caches; creates the
    environment for ``environment_path``). Blocks until done (the server calls it on a background
    thread). Never raises."""
    try:
        _executor().submit(_warm, root, environment_path).result(timeout=120)
    except Exception:  # noqa: BLE001
        log.debug("jedi warm-up failed", exc_info=True)


def _notify(fut: concurrent.futures.Future, callback: Callable[[list[Finding]], None]) -> None:
    try:
        callback(list(fut.result()))
    except Exception:  # noqa: BLE001
        log.exception("type-aware on_complete callback failed")


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# --------------------------------------------------------------------------------------------
# cache and the jedi thread
# --------------------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: "OrderedDict[tuple, tuple[Finding, ...]]" = OrderedDict()
_pending: dict[tuple, "_Job"] = {}
_pool: Optional[concurrent.futures.ThreadPoolExecutor] = None


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mpguard-jedi")
        return _pool


def _cache_key(text: str, path: Optional[str], root: Optional[str], env: Optional[str]) -> tuple:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return (os.path.abspath(path) if path else None, digest, root, env)


def _warm(root: Optional[str], environment_path: Optional[str] = None) -> None:
    import jedi

    script = jedi.Script(code="import threading\nx = threading.Lock()\nx\n",
                         project=_project(root, None),
                         environment=_environment(environment_path, root))
    script.infer(3, 0)


def _environment(path: Optional[str], root: Optional[str] = None):
    """jedi's environment for an interpreter / virtualenv path; None for jedi's default. Chosen
    by :mod:`mpguard.trust`: an interpreter inside an untrusted workspace never runs."""
    from mpguard.trust import jedi_environment

    return jedi_environment(path, root)


def _project(root: Optional[str], path: Optional[str]):
    from mpguard.trust import jedi_project  # never jedi's own search for .jedi/project.json

    return jedi_project(root, path)


@dataclass
class _Job:
    text: str
    path: Optional[str]
    root: Optional[str]
    env: Optional[str]
    config: object = None
    started: float = field(default_factory=time.monotonic)
    findings: list[Finding] = field(default_factory=list)
    future: Optional[concurrent.futures.Future] = None
    timed_out: bool = False
    _flock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, items: Iterable[Finding]) -> None:
        with self._flock:
            self.findings.extend(items)

    def partial(self) -> list[Finding]:
        with self._flock:
            return list(self.findings)


def _run_job(job: _Job, key: tuple) -> list[Finding]:
    complete = False
    try:
        findings = _analyze_now(job)
        complete = True
        return findings
    except Exception:  # noqa: BLE001
        log.exception("type-aware analysis failed for %s", job.path or "<buffer>")
        return []
    finally:
        with _lock:
            _pending.pop(key, None)
            if complete:
                _cache[key] = tuple(job.partial())
                _cache.move_to_end(key)
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)


# --------------------------------------------------------------------------------------------
# the analysis
# --------------------------------------------------------------------------------------------

class _Jedi:
    """One jedi Script for the text, with a deadline."""

    def __init__(self, job: _Job) -> None:
        self.job = job
        self.script = self._new_script()
        self.deadline = job.started + _HARD_CAP_S
        self.queries = 0

    def _new_script(self):
        import jedi

        job = self.job
        return jedi.Script(code=job.text, path=job.path, project=_project(job.root, job.path),
                           environment=_environment(job.env, job.root))

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline or self.queries >= _MAX_QUERIES

    def infer(self, line: int, column: int) -> list:
        return self.ask(lambda script: script.infer(line, column))

    def goto(self, line: int, column: int) -> list:
        return self.ask(lambda script: script.goto(line, column, follow_imports=True))

    def ask(self, query: Callable) -> list:
        """Runs a query; if it trips over a corrupt entry of parso's on-disk parse cache, removes
        that entry and asks again with a new Script (jedi's in-memory caches may hold the failed
        load).

        parso writes its pickles without a temporary file, so a process killed mid-write (or two
        processes writing the same stub at once) leaves a truncated file that every later run
        fails to load with `EOFError`: jedi would then infer nothing for any name of that stub
        (seen with `builtins.pyi` on a machine running several analyses at once)."""
        self.queries += 1
        for _ in range(_MAX_CORRUPT_ENTRIES):
            try:
                return list(query(self.script))
            except (EOFError, pickle.UnpicklingError) as exc:
                if not _discard_cache_entry_of(exc):
                    raise
                self.script = self._new_script()
        return list(query(self.script))


# One query can load many stubs (builtins, typing, the module's imports), each possibly corrupt.
_MAX_CORRUPT_ENTRIES = 64


def _discard_cache_entry_of(exc: BaseException) -> bool:
    """Deletes the parse-cache file whose loading raised `exc` (found in parso's loader frame)."""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "_load_from_file_system" and "parso" in frame.f_code.co_filename:
            entry = frame.f_locals.get("cache_path")
            if isinstance(entry, str) and entry.endswith(".pkl"):
                try:
                    os.unlink(entry)
                except OSError:
                    return False
                log.info("removed a corrupt parso cache entry: %s", entry)
                return True
        tb = tb.tb_next
    return False


def _analyze_now(job: _Job) -> list[Finding]:
    from mpguard.analysis import build_model
    from mpguard.config import Config
    from mpguard.engine import analyze as syntactic_analyze

    config = job.config if job.config is not None else Config()
    model, error = build_model(job.text, job.path, config)
    if model is None:
        return []
    dispatches = [d for d in model.iter_process_dispatches() if d.is_process]
    if not dispatches:
        return []
    syntactic = syntactic_analyze(job.text, job.path, config).findings
    seen = {(f.code, f.range) for f in syntactic}
    jd = _Jedi(job)

    def emit(items: Iterable[Finding]) -> None:
        fresh = []
        for f in items:
            if (f.code, f.range) not in seen:
                seen.add((f.code, f.range))
                fresh.append(f)
        job.add(fresh)

    # 1. workers from other modules (cheap: goto on names)
    emit(_worker_findings(model, dispatches, jd, job))
    # 2. argument types
    answers = _infer_arguments(model, dispatches, jd)
    if answers:
        emit(_mp203_findings(model, config, answers))
        emit(_mp301_findings(model, config, answers))
    return _finish(job, config)


def _finish(job: _Job, config) -> list[Finding]:
    found = _filtered(job, config)
    with job._flock:
        job.findings = list(found)
    return found


def _filtered(job: _Job, config=None) -> list[Finding]:
    """Enabled codes and suppression comments, as for the syntactic findings."""
    from mpguard.config import Config
    from mpguard.suppression import apply_suppressions, parse_suppressions

    config = config if config is not None else (job.config if job.config is not None else Config())
    enabled = config.enabled_codes(job.path)
    found = [f for f in job.partial() if f.code in enabled]
    suppressions = parse_suppressions(job.text)
    if suppressions:
        found, _ = apply_suppressions(found, suppressions)
    found.sort(key=lambda f: f.sort_key)
    return found


def _range(model, node: cst.CSTNode, top: int) -> Range:
    try:
        return model._positions.range_of(node, top)
    except Exception:  # noqa: BLE001
        return model.range_of(node)


def _candidates(model, dispatches) -> list[tuple[cst.BaseExpression, int]]:
    """Name/Attribute/Call expressions a dispatch pickles (besides its worker), with the top-level
    statement index used to position them; also the leaves MP203 follows through literals."""
    out: list[tuple[cst.BaseExpression, int]] = []
    seen: set[int] = set()

    def add(node, top):
        if id(node) not in seen:
            seen.add(id(node))
            out.append((node, top))

    class Collect(cst.CSTVisitor):
        def __init__(self, top: int) -> None:
            self.top = top

        def visit_Name(self, node: cst.Name) -> bool:
            add(node, self.top)
            return False

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            add(node, self.top)
            return False

        def visit_Call(self, node: cst.Call) -> bool:
            add(node, self.top)
            return True

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    try:
        from mpguard.facts.pickling import leaves, payload
    except Exception:  # noqa: BLE001
        leaves = payload = None  # type: ignore[assignment]
    for d in dispatches:
        top = d.site.top_index
        for arg in d.site.node.args:
            if d.worker is not None and arg is d.worker:
                # look inside functools.partial(f, big): its bound arguments are pickled too
                if isinstance(arg.value, cst.Call):
                    for inner in arg.value.args[1:]:
                        inner.value.visit(Collect(top))
                continue
            if arg.keyword is not None and arg.keyword.value in ("chunksize", "callback", "error_callback",
                                                                  "timeout", "processes", "name", "daemon"):
                continue
            arg.value.visit(Collect(top))
        if payload is not None:
            try:
                for expr, iterable, _how in payload(model, d):
                    for _node, leaf, _scope, _seq in leaves(model, expr, d.site.scope, d.site.seq, iterable):
                        top_leaf = model.node_top.get(id(leaf), top)
                        add(leaf, top_leaf if top_leaf is not None and top_leaf >= 0 else top)
            except Exception:  # noqa: BLE001
                log.debug("mp203 payload walk failed", exc_info=True)
    return out


@dataclass(frozen=True)
class _Answer:
    full_name: str
    type: str = "instance"


_GENERATOR = _Answer("builtins.generator")


def _is_generator_function(fn) -> bool:
    """A plain `def` with `yield` in its body: calling it returns a generator, whatever the
    annotation says (`Iterator[int]`)."""
    try:
        tn = fn._name.tree_name
        func = tn.get_definition() if tn is not None else None
        if func is None or func.type != "funcdef":
            return False
        if func.parent is not None and func.parent.type in ("async_funcdef", "async_stmt"):
            return False
        return bool(func.is_generator())
    except Exception:  # noqa: BLE001 - jedi internals: no answer
        return False


def _kind_of(defs: list) -> Optional[str]:
    """The one instance kind all of jedi's answers agree on, else None."""
    kinds = set()
    for d in defs:
        name = getattr(d, "full_name", None)
        kind = TYPE_KINDS.get(name or "")
        if kind is None or getattr(d, "type", "instance") not in ("instance", "class"):
            return None
        if getattr(d, "type", "") == "class" and name not in ("typing.Generator", "typing.IO", "typing.TextIO",
                                                                "typing.BinaryIO"):
            return None  # the class object itself, not an instance
        kinds.add(kind)
    return kinds.pop() if len(kinds) == 1 else None


def _infer_arguments(model, dispatches, jd: _Jedi) -> dict[int, tuple[str, str]]:
    """id(expr) -> (model kind, detail kind) for candidates that are unknown to the model."""
    from mpguard.semantic.records import UNKNOWN

    answers: dict[int, tuple[str, str]] = {}
    site_of = {}
    for d in dispatches:
        site_of[id(d.site.node)] = d.site
    for node, top in _candidates(model, dispatches):
        if jd.out_of_time():
            break
        scope, seq = _scope_for(model, node, dispatches)
        try:
            v = model.resolve(node, scope, seq)
        except Exception:  # noqa: BLE001
            v = UNKNOWN
        if v.kind != "unknown":
            continue
        rng = _range(model, node, top)
        try:
            if isinstance(node, cst.Call):
                if isinstance(node.func, (cst.Name, cst.Attribute)):
                    frng = _range(model, node.func, top)
                    if frng.end.line != frng.start.line:
                        continue
                    line, column = frng.end.line, max(frng.end.column - 1, 0)
                    defs = jd.ask(lambda script: _returned_values(script.infer(line, column)))
                else:
                    continue
            elif isinstance(node, cst.Attribute):
                defs = jd.infer(rng.end.line, max(rng.end.column - 1, 0))
            else:
                defs = jd.infer(rng.start.line, rng.start.column)
        except Exception:  # noqa: BLE001 - jedi fails on odd code; no answer, no finding
            log.debug("jedi failed at %s", rng, exc_info=True)
            continue
        kind = _kind_of(defs)
        if kind is not None:
            answers[id(node)] = (_MODEL_KIND.get(kind, kind), kind)
    return answers


def _returned_values(callees: list) -> list:
    """What calling the inferred callees returns (executing a function loads its return type's
    stub, so this runs inside one jedi query); empty when any callee is not a function."""
    values: list = []
    for fn in callees:
        if fn.type == "function" and _is_generator_function(fn):
            values.append(_GENERATOR)
        elif fn.type == "function":
            values.extend(fn.execute())
        else:
            return []
    return values


def _scope_for(model, node, dispatches):
    """The scope/seq to resolve a candidate in: its comprehension's scope, else the dispatch's."""
    for d in dispatches:
        if node_contains(d.site.node, node):
            scope = d.site.scope
            for s in model.scopes:
                if s.kind == "comprehension" and node_contains(s.node, node) and scope_within(s, d.site.scope) \
                        and node_contains(d.site.node, s.node):
                    scope = s
            return scope, d.site.seq
    return model.module_scope, 1 << 60


def _resolver_with_answers(model, answers: dict[int, tuple[str, str]]):
    """The model's resolver, also answering with jedi's types where it alone knows nothing."""
    from mpguard.semantic.records import Value
    from mpguard.semantic.resolver import Resolver

    base = model.resolver

    class _WithAnswers(Resolver):
        def resolve(self, expr, scope, seq=1 << 60, depth=0):
            v = super().resolve(expr, scope, seq, depth)
            if v.kind == "unknown" and expr is not None and id(expr) in answers:
                return Value("instance", answers[id(expr)][0], node=None)
            return v

    # the same cache: what either resolver computed is valid for the model
    return _WithAnswers(model, cache=base._resolve_cache)  # noqa: SLF001


def _ctx(model, config, code: str):
    from mpguard.rules import RuleContext, all_rules

    rule = all_rules().get(code)
    if rule is None:
        return None
    return RuleContext(model, config, rule)


def _mp301_findings(model, config, answers) -> list[Finding]:
    if not any(k[0] in ("ndarray", "dataframe") for k in answers.values()):
        return []
    ctx = _ctx(model, config, "MP301")
    if ctx is None:
        return []
    try:
        with model.resolving_with(_resolver_with_answers(model, answers)):
            ctx.rule.check(ctx)
    except Exception:  # noqa: BLE001
        log.exception("MP301 (type-aware) failed")
        return []
    return ctx.findings


_THREAD_LOCK = {
    "thread.lock": ("a `threading.Lock`", "TypeError: cannot pickle '_thread.lock' object", "Lock"),
    "thread.rlock": ("a `threading.RLock`", "TypeError: cannot pickle '_thread.RLock' object", "RLock"),
}


def _classify(model, kind: str, detail: str, task: bool) -> Optional[tuple[str, str, str]]:
    from mpguard.semantic.records import Value

    if detail in _THREAD_LOCK:
        if not task:
            return None  # Process(args=)/initargs: MP504's territory, as in the syntactic MP203
        what, err, name = _THREAD_LOCK[detail]
        fix = ("Use `multiprocessing.Manager().Lock()`, or give the workers a `multiprocessing` lock once "
               "through `initializer`/`initargs`." if task else
               f"Use `multiprocessing.{name}()`, which is made to be shared with child processes.")
        return what, err, fix
    if detail in ("connection", "cursor"):
        return (f"a `sqlite3` database {detail}", f"TypeError: cannot pickle the {detail} object",
                "Pass the connection parameters (e.g. the database path) and connect in the worker or in an "
                "initializer.")
    from mpguard.facts.pickling import classify

    if kind in ("ndarray", "dataframe"):
        return None
    return classify(model, Value("instance", kind), task)


def _mp203_findings(model, config, answers) -> list[Finding]:
    """MP203 itself, run with jedi's answers classifying the payload (its messages, its logic)."""
    ctx = _ctx(model, config, "MP203")
    if ctx is None:
        return []

    def from_jedi(leaf, _scope, _seq, task):
        if id(leaf) not in answers:
            return None, None
        kind, detail = answers[id(leaf)]
        return _classify(model, kind, detail, task), None

    with model.facts.pickling.classified_by(from_jedi):
        ctx.rule.check(ctx)
    return ctx.findings


# --------------------------------------------------------------------------------------------
# workers imported from other modules
# --------------------------------------------------------------------------------------------

def _worker_findings(model, dispatches, jd: _Jedi, job: _Job) -> list[Finding]:
    try:
        from mpguard.facts.pickling import EVERY, api_text, iter_workers
    except Exception:  # noqa: BLE001
        return []
    config = job.config
    if config is None:
        from mpguard.config import Config

        config = Config()
    out: list[Finding] = []
    here = os.path.abspath(job.path) if job.path else None
    for w in iter_workers(model):
        if jd.out_of_time():
            break
        if w.value.kind not in ("module", "ref", "unknown"):
            continue  # the model knows what it is: the syntactic rules judge it
        use = w.use
        if not isinstance(use, (cst.Name, cst.Attribute)):
            continue
        d = w.dispatch
        node = d.worker.value  # type: ignore[union-attr]
        rng = _range(model, use, d.site.top_index)
        if rng.start.line != rng.end.line:
            continue
        try:
            gotos = jd.goto(rng.end.line, max(rng.end.column - 1, 0))
            infers = jd.infer(rng.end.line, max(rng.end.column - 1, 0))
        except Exception:  # noqa: BLE001
            continue
        verdict = _judge_worker(gotos, infers, here)
        if verdict is None:
            continue
        code, where, detail = verdict
        name = use.value if isinstance(use, cst.Name) else use.attr.value
        when = "" if w.when == EVERY else f" under `{w.when}`"  # Process targets, initializers
        if code == "MP201":
            message = f"`{name}` is a lambda ({where}), which {api_text(d)} cannot pickle{when}"
        elif code == "MP202":
            message = f"`{name}` is `{detail}` ({where}), which {api_text(d)} cannot pickle{when}"
        else:
            message = f"`async def {name}` ({where}) never runs in {api_text(d)}: only a coroutine is created"
        ctx = _ctx(model, config, code)
        if ctx is not None:
            ctx.report(node, message)
            out.extend(ctx.findings)
        else:  # no rule module (yet): build the finding from the catalogue
            cname, sev = CATALOGUE[code]
            out.append(Finding(code, cname, config.severity_of(code, sev), message, model.range_of(node)))
    return out


def _judge_worker(gotos: list, infers: list, here: Optional[str]) -> Optional[tuple[str, str, str]]:
    """(code, "file.py:line", detail) when the worker's definition, in another file, cannot work."""
    def location(d) -> Optional[str]:
        p = getattr(d, "module_path", None)
        if p is None:
            return None
        p = os.path.abspath(str(p))
        if here is not None and p == here:
            return None  # same file: the syntactic rules decide
        return f"{os.path.basename(p)}:{d.line}"

    def tree(d):
        return getattr(getattr(d, "_name", None), "tree_name", None)

    # a name bound to a lambda: `work = lambda x: x`
    if len(gotos) == 1 and gotos[0].type == "statement":
        tn = tree(gotos[0])
        where = location(gotos[0])
        stmt = tn.get_definition() if tn is not None else None
        if where is not None and stmt is not None and stmt.type == "expr_stmt":
            rhs = stmt.children[-1]
            if rhs.type in ("lambdef", "lambdef_nocond"):
                return "MP201", where, gotos[0].module_name
    if not infers or any(d.type != "function" for d in infers):
        return None
    verdicts = set()
    for d in infers:
        tn = tree(d)
        where = location(d)
        if tn is None or where is None:
            return None
        func = tn.get_definition()
        if func is None or func.type != "funcdef":
            return None
        parent = func.parent
        is_async = parent is not None and parent.type in ("async_funcdef", "async_stmt")
        # nested: an enclosing funcdef/lambdef above the def
        p, nested_in = parent, None
        while p is not None:
            if p.type in ("funcdef", "lambdef"):
                nested_in = p
                break
            if p.type == "classdef":
                break
            p = p.parent
        if nested_in is not None:
            outer = nested_in.name.value if nested_in.type == "funcdef" else "<lambda>"
            verdicts.add(("MP202", where, f"{outer}.<locals>.{func.name.value}"))
        elif is_async:
            verdicts.add(("MP207", where, func.name.value))
        else:
            return None
    return verdicts.pop() if len(verdicts) == 1 else None
