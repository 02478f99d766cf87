"""MP202 local-callable-to-process: a nested function, a local class or a method of an instance
of a local class is shipped to a child process and cannot be pickled."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from mpguard.facts.pickling import EVERY, Worker, api_text, iter_workers, when_pickled
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.fixes import hoist
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import UNKNOWN, ClassInfo, FunctionInfo, Scope, Value

TITLE = "Move function to module level"
CLASS_TITLE = "Move class to module level"


def is_local(scope: Optional[Scope]) -> bool:
    """Defined (at any depth) inside a function body: pickle cannot find it by name."""
    while scope is not None:
        if scope.kind in ("function", "lambda"):
            return True
        scope = scope.parent
    return False


def _closure_factory(model: ModuleModel, w: Worker) -> Optional[tuple[FunctionInfo, FunctionInfo]]:
    """`make_worker(cfg)` where the local factory returns one of its nested defs."""
    use = w.use
    if not isinstance(use, cst.Call):
        return None
    site = w.dispatch.site
    fv = model.resolve(use.func, site.scope, site.seq)
    if fv.kind != "function" or fv.function is None or not fv.function.returns:
        return None
    factory = fv.function
    inner = None
    for r in factory.returns:
        rv = model.resolve(r, factory.scope)
        if rv.kind != "function" or rv.function is None or rv.function.defining_scope is not factory.scope:
            return None
        inner = rv.function
    return (factory, inner) if inner is not None else None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for w in iter_workers(model):
        d = w.dispatch
        node = d.worker.value  # type: ignore[union-attr]
        if id(node) in reported:
            continue
        v = w.value
        when = "" if w.when == EVERY else ctx.facts.starts.where_text(w.dispatch.receiver)  # targets, initializers
        message = None
        fix = None
        related: list[tuple[cst.CSTNode, str]] = []
        if v.kind == "function" and v.function is not None and is_local(v.function.defining_scope):
            f = v.function
            message = (f"`{f.name}` is defined inside `{_owner(f.defining_scope)}`, so {api_text(d)} "
                       f"cannot pickle it{when}")
            fix = _fix_def(ctx, f)
            related = [(f.node.name, "defined here")]
        elif v.kind in (ValueKind.CLASS, ValueKind.INSTANCE, ValueKind.METHOD) and v.class_info is not None \
                and is_local(v.class_info.defining_scope) and not v.is_type(ObjectType.PROCESS):
            cls = v.class_info
            what = {"class": "class", "instance": "instance", "method": "bound method"}[v.kind]
            message = (f"`{cls.name}` is defined inside `{_owner(cls.defining_scope)}`, so {api_text(d)} "
                       f"cannot pickle this {what}{when}")
            fix = _fix_class(ctx, cls)
            related = [(cls.node.name, "defined here")]
        else:
            fac = _closure_factory(model, w)
            if fac is not None:
                factory, inner = fac
                message = (f"`{factory.name}(...)` returns the nested function `{inner.name}`, which "
                           f"{api_text(d)} cannot pickle{when}")
                related = [(inner.node.name, "defined here")]
        if message is None:
            continue
        reported.add(id(node))
        ctx.report(node, message, fixes=[fix] if fix else [], related=related)
    _report_local_process_decorators(ctx)
    # Process subclasses defined in a function: the Process object itself is pickled.
    for d in model.iter_process_dispatches():
        cls = d.receiver.class_info
        if d.api != "process" or cls is None or not is_local(cls.defining_scope):
            continue
        when = when_pickled(model, d)
        if when is None or id(d.site.node) in reported:
            continue
        reported.add(id(d.site.node))
        ctx.report(
            d.site.node,
            f"`Process` subclass `{cls.name}` is defined inside `{_owner(cls.defining_scope)}`, "
            f"so `start()` cannot pickle it under `{when}`",
            fixes=[f for f in [_fix_class(ctx, cls)] if f],
            related=[(cls.node.name, "defined here")],
        )


def _report_local_process_decorators(ctx: RuleContext) -> None:
    """A nested function decorated with `@pebble.concurrent.process` and called: under spawn and
    forkserver pebble sends the child only its module and qualified name, and the child looks it
    up with `getattr(module, "outer.<locals>.job")` after importing the module, which fails."""
    starts = ctx.facts.starts
    for f in ctx.model.functions:
        decorated = starts.process_decorator(f) if is_local(f.defining_scope) else None
        if decorated is None or not ctx.facts.calls.callers_of(f):
            continue  # never called: no process starts
        api, decorator = decorated
        context = _decorator_context(ctx, f, decorator)
        if api.pickler != "pickle" or context is UNKNOWN:
            continue
        if (starts.method_of(context) if context is not None else starts.module_method) not in api.pickled_under:
            continue  # fork: the child inherits the function
        ctx.report(decorator, f"`{f.name}` is local to `{_owner(f.defining_scope)}`; the {api.label} child cannot "
                              f"find it{starts.where_text(context)}",
                   fixes=[fix for fix in [_fix_def(ctx, f)] if fix], related=[(f.node.name, "defined here")])


def _decorator_context(ctx: RuleContext, f: FunctionInfo, decorator: cst.Decorator) -> Optional[Value]:
    """The context the decorator's processes use: `context=mp.get_context("fork")` (pebble 5),
    None without one; UNKNOWN when the argument is not a known context."""
    call = decorator.decorator
    arg = get_arg(call, "context", None) if isinstance(call, cst.Call) else None
    if arg is None:
        return None
    value = ctx.model.resolve(arg.value, f.defining_scope)
    return value if value.is_type(ObjectType.CONTEXT) else UNKNOWN


def _owner(scope: Scope) -> str:
    s: Optional[Scope] = scope
    while s is not None:
        if s.kind == "function" and s.function is not None:
            return f"{s.function.name}()"
        if s.kind == "lambda":
            return "a lambda"
        s = s.parent
    return "a function"


# --------------------------------------------------------------------------------------------
# fixes
# --------------------------------------------------------------------------------------------

def _free_for_move(model: ModuleModel, node: Union[cst.FunctionDef, cst.ClassDef], own: Scope,
                   name: str) -> Optional[tuple[list[str], bool]]:
    """(captured variables to bind, self-recursive) or None when the callable cannot be moved."""
    outer = own.parent
    if outer is None or hoist.header_problem(model, node, outer, leaving_guard=False):
        return None
    for s in hoist.scopes_within(model, own):
        if s.nonlocals:
            return None
    recursive = False
    names: list[str] = []
    for n in model.free_variables(node):
        target = own.lookup_scope(n)
        if n == name and target is outer:
            recursive = True
            continue
        if not hoist.bindable(model, n, target):
            return None
        names.append(n)
    return names, recursive


def _fix_def(ctx: RuleContext, f: FunctionInfo):
    """Move the def; with captured variables, every use `f` becomes `functools.partial(f, x=x)`
    (a direct call `f(a)` becomes `f(a, x=x)`), so values are read where they were read before."""
    model = ctx.model
    outer = f.defining_scope
    if f.top_index < 0 or len(outer.bindings.get(f.name, [])) != 1:
        return None
    if hoist.uses_nonlocal_or_super(model, f.scope):
        return None
    got = _free_for_move(model, f.node, f.scope, f.name)
    if got is None:
        return None
    captured, _recursive = got
    uses = []
    for s in hoist.scopes_within(model, outer):
        if s.lookup_scope(f.name) is outer:
            for use in s.loads.get(f.name, []):
                if any(use.scope.lookup_scope(n) is not f.scope.lookup_scope(n) for n in captured):
                    return None  # a captured name means something else at this use
                uses.append(use)
    keep_name = hoist.module_name_free(model, f.name)

    def plan() -> MultiEdit:
        new_name = f.name if keep_name else hoist.unique_name(model, "_" + f.name.lstrip("_"))
        callee, need_import = hoist.partial_callee(model) if captured else ("", False)
        edit = MultiEdit()
        partial_used = False  # direct calls get keywords; only other uses need `functools`
        for use in uses:
            parent = model.parents.get(id(use.node))
            if captured and isinstance(parent, cst.Call) and parent.func is use.node:
                edit.replace_node(parent, _add_kwargs(captured, new_name))
            elif captured:
                partial_used = True
                edit.replace_node(use.node, hoist.partial_call(callee, new_name, captured))
            elif new_name != f.name:
                edit.replace_node(use.node, cst.Name(new_name))
        moved = f.node.visit(edit)  # the uses inside the function itself, on the copy that moves
        assert isinstance(moved, cst.FunctionDef)
        moved = moved.with_changes(name=cst.Name(new_name), params=hoist.add_kwonly(moved.params, captured))
        edit.move_out(f.node)
        edit.at_top_level(hoist.InsertTopLevel(f.top_index, (moved,)))
        if need_import and partial_used:
            edit.at_top_level(hoist.AddImport("import functools", f.top_index))
        return edit

    return ctx.fix(TITLE, Safety.UNSAFE if captured else Safety.SAFE, plan, preferred=True)


def _add_kwargs(names: list[str], new_name: str):
    def apply(updated: cst.CSTNode) -> cst.CSTNode:
        if not isinstance(updated, cst.Call):
            return updated
        args = list(updated.args)
        extra = [cst.Arg(value=cst.Name(n), keyword=cst.Name(n),
                         equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
                 for n in names]
        return updated.with_changes(func=cst.Name(new_name), args=[*args, *extra])

    return apply


def _fix_class(ctx: RuleContext, cls: ClassInfo):
    """Safe only: a local class that reads nothing from its enclosing function moves as is."""
    model = ctx.model
    outer = cls.defining_scope
    if cls.top_index < 0 or len(outer.bindings.get(cls.name, [])) != 1:
        return None
    if not hoist.module_name_free(model, cls.name):
        return None
    got = _free_for_move(model, cls.node, cls.scope, cls.name)
    if got is None or got[0] or got[1]:
        return None

    edit = MultiEdit().move_out(cls.node).at_top_level(hoist.InsertTopLevel(cls.top_index, (cls.node,)))
    return ctx.fix(CLASS_TITLE, Safety.SAFE, edit, preferred=True)


RULE = Rule(
    code="MP202",
    summary="A nested function, a local class or a method of a local class's instance is sent to a child process.",
    why="""
pickle stores functions and classes as references to an importable module-level name. A function
defined inside another function (`main.<locals>.work`), a class defined in a function, instances
and bound methods of such a class, and closures returned by factories have no such name, so
sending them fails with `AttributeError: Can't pickle local object 'main.<locals>.work'`
(ProcessPoolExecutor may instead hang or break the pool). Pool and ProcessPoolExecutor methods pickle
their function under every start method; `Process(target=...)` and initializers only under
`spawn`/`forkserver` — the default on Windows and macOS, and on Linux since Python 3.14, which is how
code that worked for years with `fork` suddenly breaks.

The error, by Python version (checked by running the failing case on CPython 3.10-3.13; `Pool.map` and `ProcessPoolExecutor.map` alike):

- 3.10-3.12: `AttributeError: Can't pickle local object 'main.<locals>.work'`
- 3.13: `AttributeError: Can't get local object 'main.<locals>.work'`
- 3.14: `_pickle.PicklingError: Can't pickle local object <function main.<locals>.work at 0x...>`
  (from CPython 3.14's `Lib/pickle.py`, `whichmodule()`: gh-122311 / PR #122771 made both pickle
  implementations raise `PicklingError`; CPython issue #139806 reports the change)

A nested function decorated with pebble's `@concurrent.process` fails the same way once it is
called: under `spawn`/`forkserver` pebble sends the child only the function's module and qualified
name, and the child imports the module and looks the name up, which a nested function does not
have. The future's `result()` raises
`AttributeError: module '__mp_main__' has no attribute 'main.<locals>.work'`
(checked with pebble 5.2.3 on CPython 3.11 under `spawn`; under `fork` it runs). It is reported on
the decorator; a decorated function that is never called starts nothing and is not reported.
""",
    fix_doc="""
**Move function to module level**: the nested `def` moves above the top-level statement that holds
it (keeping decorators and comments). When it reads variables of the enclosing function they become
keyword-only parameters, and each use of the function becomes `functools.partial(work, x=x)` (a direct
call `work(a)` becomes `work(a, x=x)`) — *unsafe*: the values must be picklable and are captured when
the partial is created. Not offered when the function uses `nonlocal` or calls other nested
functions.
A local class with no captured names moves the same way (**Move class to module level**).
""",
    check=check,
    name="local-callable-to-process",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
