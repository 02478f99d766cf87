"""MP210 worker-name-rebound: the worker's module-level name no longer refers to the function
that is sent (`work = Process(target=work)`, a decorator without `functools.wraps`, a class-based
decorator), so pickle cannot find the function by its name."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.pickling import api_text, iter_workers
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import CallSite, ClassInfo, FunctionInfo, Scope

WRAPS = ("functools.wraps", "functools.update_wrapper")
# A class whose instances pickle through these does not pickle the wrapped function as a global.
CUSTOM_PICKLING = ("__reduce__", "__reduce_ex__", "__getstate__")


def _rebinding_statement(model: ModuleModel, f: FunctionInfo, statement: cst.CSTNode) -> bool:
    """The statement holding the dispatch also rebinds the function's module-level name
    (`work = Process(target=work)`): by the time the function is pickled the name is the
    Process."""
    for b in model.module_scope.bindings.get(f.name, []):
        if b.node is statement and b.node is not f.node:
            return True
    return False


def _calls_wraps(model: ModuleModel, wrapper: FunctionInfo, decorator: FunctionInfo) -> bool:
    """`@functools.wraps(fn)` on the wrapper, or `functools.update_wrapper(wrapper, fn)` in the
    decorator's body: the wrapper takes the function's name and pickles as it."""
    for dec in wrapper.node.decorators:
        expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
        v = model.resolve(expr, wrapper.defining_scope, wrapper.seq)
        if v.kind == ValueKind.REF and v.qualname in WRAPS:
            return True
    for site in decorator.calls:
        v = model.resolve(site.node.func, site.scope, site.seq)
        if v.kind == ValueKind.REF and v.qualname in WRAPS:
            return True
    return False


def _returned_local_function(model: ModuleModel, f: FunctionInfo) -> Optional[FunctionInfo]:
    """The nested def `f` returns, when every `return` of `f` returns that same nested def."""
    found: Optional[FunctionInfo] = None
    for expr in f.returns:
        if not isinstance(expr, cst.Name):
            return None
        v = model.resolve(expr, f.scope)
        if v.kind != ValueKind.FUNCTION or v.function is None or v.function.defining_scope is not f.scope:
            return None
        if found is not None and found is not v.function:
            return None
        found = v.function
    return found


def _decorator_effect(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> Optional[str]:
    """What applying the decorator `expr` does to a function's name, when pickle then cannot
    match it with the function: "wrapper" (a local wrapper without `functools.wraps`) or the
    class name (a class-based decorator). None when fine or unknown (library decorators)."""
    func = expr.func if isinstance(expr, cst.Call) else expr
    v = model.resolve(func, scope, seq)
    if v.kind == ValueKind.CLASS and v.class_info is not None and not isinstance(expr, cst.Call):
        return v.class_info.name if _is_plain_class(v.class_info) else None
    if v.kind != ValueKind.FUNCTION or v.function is None or not v.function.is_module_level:
        return None
    decorator: Optional[FunctionInfo] = v.function
    if isinstance(expr, cst.Call):  # a decorator factory: `@retry(3)` returns the decorator
        decorator = _returned_local_function(model, v.function)
    if decorator is None:
        return None
    wrapper = _returned_local_function(model, decorator)
    return "wrapper" if wrapper is not None and not _calls_wraps(model, wrapper, decorator) else None


def _unwrapping_decorator(model: ModuleModel, f: FunctionInfo) -> Optional[tuple[str, str]]:
    """(decorator text, effect) for the first decorator of `f` that pickle cannot see through."""
    for dec in f.node.decorators:
        expr = dec.decorator
        text = dotted_name(expr.func if isinstance(expr, cst.Call) else expr)
        effect = _decorator_effect(model, expr, f.defining_scope, f.seq) if text else None
        if text and effect:
            return text, effect
    return None


def _decorated_by_call(model: ModuleModel, use: cst.BaseExpression, site: CallSite) -> Optional[tuple[str, str]]:
    """`square = timed(square)` at module level, then `square` is sent: (decorator text, effect)."""
    if not isinstance(use, cst.Name):
        return None
    b = model.binding_before(use.value, site.scope, site.seq)
    if b is None or b.kind != "assign" or b.scope is not model.module_scope or not isinstance(b.value, cst.Call):
        return None
    call = b.value
    first = call.args[0].value if len(call.args) == 1 and call.args[0].keyword is None else None
    text = dotted_name(call.func)
    if not isinstance(first, cst.Name) or first.value != use.value or text is None:
        return None
    effect = _decorator_effect(model, call.func, b.scope, b.seq)
    return (f"{text}({use.value})", effect) if effect else None


def _is_plain_class(c: ClassInfo) -> bool:
    return c.is_module_level and not c.bases and not any(m in c.methods for m in CUSTOM_PICKLING)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for w in iter_workers(model):
        v = w.value
        d = w.dispatch
        if id(w.use) in reported:
            continue
        applied = _decorated_by_call(model, w.use, d.site)
        if applied is not None:
            reported.add(id(w.use))
            name = dotted_name(w.use)
            ctx.report(w.use, _decorated_message(applied, name or "the worker"),
                       related=[(d.site.node, f"sent to {api_text(d)} here")])
            continue
        if v.kind != ValueKind.FUNCTION or v.function is None or not v.function.is_module_level:
            continue
        f = v.function
        if _rebinding_statement(model, f, d.site.statement):
            reported.add(id(w.use))
            ctx.report(w.use, f"`{f.name}` is rebound by this statement, so pickle cannot find the function "
                              f"`{f.name}`", related=[(f.node.name, "the function is defined here")])
            continue
        found = _unwrapping_decorator(model, f)
        if found is None:
            continue
        reported.add(id(w.use))
        ctx.report(w.use, _decorated_message(found, f.name, "@"),
                   related=[(f.node.name, f"`{f.name}` is decorated here"), (d.site.node, f"sent to {api_text(d)} here")])


def _decorated_message(found: tuple[str, str], name: str, at: str = "") -> str:
    decorator, effect = found
    if effect == "wrapper":
        return f"`{at}{decorator}` replaces `{name}` with a local wrapper that cannot be pickled"
    return f"`{at}{decorator}` turns `{name}` into a `{effect}` instance that cannot be pickled"


RULE = Rule(
    code="MP210",
    summary="The worker's module-level name is rebound (by an assignment or a decorator), so pickle "
            "cannot find the function it sends.",
    why="""
Pickle sends a function as a reference, `module.qualname`, and checks that this name really
leads back to the same object. That check fails when the name was rebound:

- `work = Process(target=work)`: when `start()` pickles the target, `__main__.work` is the
  `Process` object.
- a decorator that returns an inner function without `functools.wraps` (as `@timed` or applied
  by assignment, `square = timed(square)`): the worker is `timed.<locals>.wrapper`, a local
  object.
- a class-based decorator (`@Memo`): the name now holds a `Memo` instance; pickling it pickles
  its `__dict__`, which holds the original function, whose name now leads to the instance.
  `functools.update_wrapper(self, fn)` does not help.

Pool and `ProcessPoolExecutor` tasks are pickled under every start method; `Process(target=...)`
and initializers only under `spawn`/`forkserver` (the default on Windows and macOS, and on Linux
from Python 3.14), `fork` children inherit the object.

The errors (run on CPython 3.11 here; the 3.14 wording is read from its `Lib/pickle.py`, which
raises `PicklingError` in both cases where older versions raised `AttributeError` for a local
object):

- rebound name: `_pickle.PicklingError: Can't pickle <function work at 0x...>: it's not the same
  object as __main__.work` (same text in 3.14)
- local wrapper: `AttributeError: Can't pickle local object 'timed.<locals>.wrapper'` (3.10-3.13);
  a `PicklingError` naming `timed.<locals>.wrapper` in 3.14
- class-based decorator: `_pickle.PicklingError: Can't pickle <function square at 0x...>: it's not
  the same object as __main__.square`

Functions decorated with `functools.wraps` (the wrapper takes the name and pickles as it) and
decorators that return the function itself are fine. MP202 reports nested functions; for a
decorated module-level worker this rule explains the cause.
""",
    fix_doc="""
Keep the function's name for the function: `proc = Process(target=work)`. Give decorators'
wrappers the function's identity with `@functools.wraps(fn)`. For a class-based decorator, keep
the undecorated function under its own name (`work = _work_impl`, decorate a second name) or
write the decorator as a function with `functools.wraps`.
""",
    check=check,
    name="worker-name-rebound",
    severity=Severity.ERROR,
    crash_class=True,
)
