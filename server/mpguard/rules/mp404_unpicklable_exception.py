"""MP404 unpicklable-exception: an exception raised in a pool/executor task cannot be rebuilt in the
parent because its `__init__` does not hand all of its arguments to `BaseException.__init__`.

A task's exception travels back to the parent by pickle, and `BaseException.__reduce__` rebuilds it
as `cls(*exc.args)`. `exc.args` is what `BaseException.__init__` last received (or, when no
`__init__` in the chain calls it, the positional constructor arguments). When that tuple does not
fit the class's own `__init__` signature, unpickling raises `TypeError` in the parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Union

import libcst as cst

from mpguard.facts.frames import WorkerRun, process_workers
from mpguard.facts.futures import site_of_call
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import CallSite, ClassInfo, FunctionInfo
from mpguard.semantic.walk import raises_and_calls_with_handlers, walk_frame

ESCAPES = ("__reduce__", "__reduce_ex__", "__new__")
CATCH_ALL = {"Exception", "BaseException"}
ORIG = "orig"  # exc.args = the positional arguments of the constructor call


# ---- which raises leave the worker ---------------------------------------------------------

Layer = tuple[cst.ExceptHandler, ...]


@dataclass(eq=False)
class Escaping:
    raise_node: cst.Raise
    function: FunctionInfo
    layers: tuple[Layer, ...]  # enclosing handlers (callee first), up the call chain


def escaping_raises(model: ModuleModel, worker: FunctionInfo) -> Iterator[Escaping]:
    """Every `raise` in the worker and the local functions it calls, with the handlers that might
    catch it on the way out (first path found per function)."""
    seen: set[int] = set()
    work: list[tuple[FunctionInfo, tuple[Layer, ...]]] = [(worker, ())]
    while work:
        f, outer = work.pop(0)
        if id(f) in seen:
            continue
        seen.add(id(f))
        raises, calls = raises_and_calls_with_handlers(f)
        for node, layers in raises:
            yield Escaping(node, f, layers + outer)
        for site in f.calls:
            layers = calls.get(id(site.node))
            if layers is None:
                continue
            for g in model.called_functions(site):
                if id(g) not in seen:
                    work.append((g, layers + outer))


def _reraises(handler: cst.ExceptHandler) -> bool:
    """The handler ends with a bare `raise` (it logs and re-raises)."""
    return any(isinstance(node, cst.Raise) and node.exc is None for node in walk_frame(handler.body))


def _caught(model: ModuleModel, esc: Escaping, chain: list[ClassInfo]) -> bool:
    names = {c.name for c in chain}
    for layer in esc.layers:
        for h in layer:
            if _reraises(h):
                continue
            if h.type is None:
                return True
            types = [e.value for e in h.type.elements] if isinstance(h.type, cst.Tuple) else [h.type]
            for t in types:
                text = dotted_name(t) or ""
                last = text.rsplit(".", 1)[-1]
                if last in CATCH_ALL or last in names:
                    return True
                v = model.resolve(t, esc.function.scope)
                if v.kind == "class" and v.class_info is not None and v.class_info in chain:
                    return True
                if (v.kind == ValueKind.UNKNOWN and last not in names
                        and not last.endswith(("Error", "Exception", "Warning"))):
                    return True  # an exception tuple held in a variable: cannot tell
    return False


# ---- what `exc.args` will hold --------------------------------------------------------------

def _local_base(model: ModuleModel, cls: ClassInfo) -> Optional[ClassInfo]:
    for base in cls.bases:
        v = model.resolve(base, cls.defining_scope)
        if v.kind == "class" and v.class_info is not None:
            return v.class_info
    return None


def local_chain(model: ModuleModel, cls: ClassInfo) -> list[ClassInfo]:
    """The class and its local exception bases (first local base at each step)."""
    out = [cls]
    while len(out) < 8:
        nxt = _local_base(model, out[-1])
        if nxt is None or nxt in out:
            break
        out.append(nxt)
    return out


def _init_of(model: ModuleModel, cls: ClassInfo) -> Optional[tuple[ClassInfo, FunctionInfo]]:
    for c in local_chain(model, cls):
        if "__init__" in c.methods:
            return c, c.methods["__init__"]
    return None


def _super_inits(model: ModuleModel, owner: ClassInfo, init: FunctionInfo
                 ) -> Optional[list[tuple[CallSite, Optional[ClassInfo], list[cst.Arg]]]]:
    """The calls in `init` that run the next `__init__`: (site, local class whose `__init__` runs,
    or None for a library/builtin exception, the arguments passed). None when one is unclear."""
    out = []
    for site in init.calls:
        func = site.node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__"):
            continue
        target = func.value
        args = list(site.node.args)
        if isinstance(target, cst.Call) and isinstance(target.func, cst.Name) and target.func.value == "super" \
                and model.binding_before("super", site.scope, site.seq) is None:
            nxt = _local_base(model, owner)
        else:
            if not args or args[0].keyword is not None or args[0].star or not (
                    isinstance(args[0].value, cst.Name) and args[0].value.value == "self"):
                return None
            args = args[1:]
            v = model.resolve(target, site.scope, site.seq)
            if v.kind == "class" and v.class_info is not None:
                nxt = v.class_info
            elif (dotted_name(target) or "").rsplit(".", 1)[-1] in {
                    (dotted_name(b) or "").rsplit(".", 1)[-1] for b in owner.bases}:
                nxt = None  # `Exception.__init__(self, ...)`, `requests.HTTPError.__init__(self, ...)`
            else:
                return None
        out.append((site, nxt, args))
    return out


ArgsLen = Union[int, str, None]  # a count, ORIG, or None (unknown)


def args_len(model: ModuleModel, cls: ClassInfo, depth: int = 0) -> tuple[ArgsLen, Optional[CallSite]]:
    """len(exc.args) after `cls(...)`'s `__init__` chain runs, and the call that sets it."""
    if depth > 6:
        return None, None
    found = _init_of(model, cls)
    if found is None:
        return ORIG, None  # BaseException.__init__ with every positional argument
    owner, init = found
    calls = _super_inits(model, owner, init)
    if calls is None:
        return None, None
    if not calls:
        return ORIG, None  # BaseException.__new__ already stored the constructor's positional args
    results = set()
    site0 = None
    for site, nxt, args in calls:
        if any(a.star or a.keyword is not None for a in args):
            return None, None
        if nxt is None:
            got: ArgsLen = len(args)
        else:
            inner, _ = args_len(model, nxt, depth + 1)
            got = len(args) if inner == ORIG else inner
        results.add(got)
        site0 = site0 or site
    if len(results) != 1:
        return None, None
    return results.pop(), site0


@dataclass
class Signature:
    required: list[str]
    optional: list[str]
    star: bool
    required_kwonly: list[str]

    def text(self) -> str:
        return ", ".join(["self", *self.required, *(f"{o}=..." for o in self.optional)]
                         + (["*args"] if self.star else []) + [f"*, {k}" for k in self.required_kwonly[:1]]
                         + self.required_kwonly[1:])


def signature(init: FunctionInfo) -> Optional[Signature]:
    p = init.node.params
    positional = [*p.posonly_params, *p.params]
    if not positional or init.decorators:
        return None
    positional = positional[1:]  # self
    return Signature(
        required=[x.name.value for x in positional if x.default is None],
        optional=[x.name.value for x in positional if x.default is not None],
        star=isinstance(p.star_arg, cst.Param),
        required_kwonly=[x.name.value for x in p.kwonly_params if x.default is None],
    )


def _registered_with_copyreg(model: ModuleModel, cls: ClassInfo) -> bool:
    for site in model.calls:
        v = model.resolve(site.node.func, site.scope, site.seq)
        if v.kind in (ValueKind.REF, ValueKind.MODULE) and v.qualname == "copyreg.pickle" and site.node.args:
            t = model.resolve(site.node.args[0].value, site.scope, site.seq)
            if t.kind == "class" and t.class_info is cls:
                return True
    return False


# ---- check ---------------------------------------------------------------------------------

def _raised_class(model: ModuleModel, esc: Escaping) -> Optional[tuple[ClassInfo, Optional[cst.Call]]]:
    exc = esc.raise_node.exc
    if isinstance(exc, cst.Call):
        site = site_of_call(model, exc)
        if site is None:
            return None
        v = model.resolve(exc.func, site.scope, site.seq)
        if v.kind == "class" and v.class_info is not None:
            return v.class_info, exc
        return None
    if isinstance(exc, cst.Name):
        v = model.resolve(exc, esc.function.scope)
        if v.kind == ValueKind.INSTANCE and v.class_info is not None and isinstance(v.node, cst.Call):
            return v.class_info, v.node  # err = LedgerError(...); raise err
    return None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    cache: dict[int, object] = {}
    for run in process_workers(model, roles=("task",)):
        d = run.dispatch
        if d.api in (DispatchApi.POOL_INIT, DispatchApi.EXECUTOR_INIT):
            continue
        for esc in escaping_raises(model, run.worker):
            if id(esc.raise_node) in reported:
                continue
            got = _raised_class(model, esc)
            if got is None:
                continue
            cls, ctor = got
            if not model.class_is_exception(cls):
                continue
            chain = local_chain(model, cls)
            if _caught(model, esc, chain):
                continue
            verdict = cache.get(id(cls))
            if verdict is None:
                verdict = cache[id(cls)] = _class_verdict(model, cls, chain)
            if verdict is False:
                continue
            owner, init, sig, n_args, setter = verdict  # type: ignore[misc]
            problem = _problem(sig, n_args, ctor)
            if problem is None:
                continue
            reported.add(id(esc.raise_node))
            _report(ctx, run, esc, cls, owner, init, sig, setter, problem)


def _class_verdict(model: ModuleModel, cls: ClassInfo, chain: list[ClassInfo]):
    for c in chain:
        if any(m in c.methods for m in ESCAPES) or "args" in c.self_attrs:
            return False  # a custom __reduce__, or `self.args = (...)` restores the arguments
    if _registered_with_copyreg(model, cls):
        return False
    found = _init_of(model, cls)
    if found is None:
        return False
    owner, init = found
    sig = signature(init)
    if sig is None:
        return False
    n_args, setter = args_len(model, cls)
    if n_args is None:
        return False
    return owner, init, sig, n_args, setter


def _problem(sig: Signature, n_args: ArgsLen, ctor: Optional[cst.Call]) -> Optional[tuple[int, str]]:
    """(len(exc.args), the TypeError) when `cls(*exc.args)` fails, else None."""
    if n_args == ORIG:
        if ctor is None or any(a.star for a in ctor.args):
            return None
        n = sum(1 for a in ctor.args if a.keyword is None)
    else:
        assert isinstance(n_args, int)
        n = n_args
    if sig.required_kwonly:
        return n, f"missing 1 required keyword-only argument: '{sig.required_kwonly[0]}'"
    if n < len(sig.required):
        missing = sig.required[n:]
        names = " and ".join(f"'{m}'" for m in missing) if len(missing) <= 2 else ", ".join(f"'{m}'" for m in missing)
        plural = "s" if len(missing) > 1 else ""
        return n, f"missing {len(missing)} required positional argument{plural}: {names}"
    if not sig.star and n > len(sig.required) + len(sig.optional):
        return n, f"takes {len(sig.required) + len(sig.optional) + 1} positional arguments but {n + 1} were given"
    return None


def _report(ctx: RuleContext, run: WorkerRun, esc: Escaping, cls: ClassInfo, owner: ClassInfo,
            init: FunctionInfo, sig: Signature, setter: Optional[CallSite], problem: tuple[int, str]) -> None:
    d = run.dispatch
    message = f"`{cls.name}` raised in `{esc.function.name}` cannot be unpickled in the parent process"
    label = (f"`{owner.name}.__init__` sets `exc.args` here" if setter is not None
             else f"`{owner.name}.__init__` never calls `super().__init__`")
    related = [(setter.node if setter is not None else init.node, label),
               (d.site.node, "the task runs in a worker process here")]
    ctx.report(esc.raise_node, message, related=related)


RULE = Rule(
    code="MP404",
    summary="An exception raised in a pool/executor task cannot be unpickled in the parent: its `__init__` "
            "does not pass all of its arguments to `super().__init__`.",
    why="""
When a `Pool`/`ProcessPoolExecutor` task raises, the worker pickles the exception and the parent
rebuilds it as `cls(*exc.args)`. `exc.args` is whatever `BaseException.__init__` received, so an
exception like `def __init__(self, entry_id, reason): super().__init__(f"{entry_id}: {reason}")`
has one arg but needs two: unpickling raises `TypeError: __init__() missing 1 required positional
argument` in the parent. `Pool`'s result-handler thread dies and `map()`/`get()` hangs forever;
`ProcessPoolExecutor` reports `BrokenProcessPool` instead of the real error.

What the parent sees, by API (checked by running the failing case on CPython 3.10-3.13; the worker raises `LedgerError(1, "bad")` whose
`__init__` passes one string to `super().__init__`):

- `Pool.map_async(...).get()`: the result-handler thread dies with `TypeError:
  LedgerError.__init__() missing 1 required positional argument: 'reason'` and `get()` never
  returns (with a timeout: `multiprocessing.context.TimeoutError`); at exit the pool reports
  `AssertionError: Cannot have cache with result_hander not alive` (3.10, 3.11; spelled
  `result_handler` from 3.12).
- `ProcessPoolExecutor.submit(...).result()`: `concurrent.futures.process.BrokenProcessPool: A
  process in the process pool was terminated abruptly while the future was running or pending.`
  (3.10-3.13), and every other pending task is lost.
""",
    fix_doc="""
Pass every constructor argument to the base class and build the message in `__str__`:

```python
class LedgerError(Exception):
    def __init__(self, entry_id, reason):
        super().__init__(entry_id, reason)
        self.entry_id, self.reason = entry_id, reason

    def __str__(self):
        return f"{self.entry_id}: {self.reason}"
```

or define `__reduce__` returning `(LedgerError, (self.entry_id, self.reason))`. Standard exceptions
and exceptions whose arguments all reach `super().__init__` are not reported.

When `__init__` has keyword-only parameters, make them positional first: unpickling passes only
positional arguments.
""",
    check=check,
    name="unpicklable-exception",
    severity=Severity.WARNING,
    crash_class=True,
)
