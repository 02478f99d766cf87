"""MP201 lambda-to-process: a lambda is shipped to a child process and cannot be pickled."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from mpguard.facts.pickling import EVERY, Worker, api_text, iter_workers
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_at
from mpguard.fixes import hoist
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import Binding

TITLE = "Replace lambda with module-level function"
_ROLE_SUFFIX = {"task": "task", "target": "target", "initializer": "init"}


def _lambda_binding(model: ModuleModel, w: Worker) -> Optional[Binding]:
    if not isinstance(w.use, cst.Name):
        return None
    b = model.binding_before(w.use.value, w.dispatch.site.scope, w.dispatch.site.seq)
    if b is not None and b.kind == "assign" and b.value is w.value.node:
        return b
    return None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    workers = [w for w in iter_workers(model) if w.value.kind == "lambda" and isinstance(w.value.node, cst.Lambda)]
    reported: set[int] = set()
    for w in workers:
        lam = w.value.node
        assert isinstance(lam, cst.Lambda)
        inline = w.use is lam
        node = lam if inline else w.dispatch.worker.value  # type: ignore[union-attr]
        if id(node) in reported:
            continue
        reported.add(id(node))
        d = w.dispatch
        what = "Lambda"
        if not inline:
            b = _lambda_binding(model, w)
            name = w.use.value if isinstance(w.use, cst.Name) else None
            what = f"Lambda `{name}`" if name and b is not None else "Lambda"
        when = "" if w.when == EVERY else ctx.facts.starts.where_text(w.dispatch.receiver)  # targets, initializers
        message = f"{what} passed to {api_text(d)} cannot be pickled{when}"
        fix = _fix(ctx, w, lam, inline, workers)
        related = [] if inline else [(lam, "the lambda is defined here")]
        ctx.report(node, message, fixes=[fix] if fix else [], related=related)


# --------------------------------------------------------------------------------------------
# fix
# --------------------------------------------------------------------------------------------

def _clean(name: str) -> str:
    return name.strip("_")


def _derive_name(model: ModuleModel, w: Worker, lam: cst.Lambda, var: Optional[str]) -> str:
    role = _ROLE_SUFFIX[w.dispatch.worker_role]
    called = dotted_name(lam.body.func) if isinstance(lam.body, cst.Call) else None
    called = _clean(called.rsplit(".", 1)[-1]) if called else None
    fn = w.dispatch.site.function
    fn_name = _clean(fn.name) if fn is not None and not fn.name.startswith("__") else None
    if var and _clean(var):
        base = _clean(var)
    elif called:
        base = f"{called}_{role}"
    elif role == "init":
        base = "init_worker"
    elif fn_name:
        base = f"{fn_name}_{role}"
    else:
        base = role
    return hoist.unique_name(model, "_" + base)


def _default_needs_binding(model: ModuleModel, default: cst.BaseExpression, outer) -> bool:
    names: list[str] = []

    class V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            names.append(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

    default.visit(V())
    for name in names:
        target = outer.lookup_scope(name)
        if target is None:
            continue
        if target.kind != "module":
            return True
        bs = target.bindings.get(name, [])
        if bs and all(b.guarded for b in bs):
            return True
    return False


def _captured(model: ModuleModel, lam: cst.Lambda
              ) -> Optional[tuple[cst.Lambda, list[Union[str, tuple[str, str]]]]]:
    """(the lambda to turn into a def, what to bind with functools.partial), or None when the
    lambda cannot be hoisted. Defaults that read local names (`lambda d=d: ...`) become
    keyword-only parameters bound by the partial (the same value, taken at the same time)."""
    orig = lam
    own = model.node_scope.get(id(lam))
    if own is None or own.parent is None:
        return None
    outer = own.parent
    if hoist.uses_nonlocal_or_super(model, own):
        return None
    binds: list[Union[str, tuple[str, str]]] = []
    params = lam.params
    moved: list[cst.Param] = []
    keep: list[cst.Param] = []
    for p in params.params:
        if p.default is not None and _default_needs_binding(model, p.default, outer):
            moved.append(p)
            binds.append((p.name.value, model.module.code_for_node(p.default).strip()))
        else:
            keep.append(p)
    for p in (*params.posonly_params, *params.kwonly_params):
        if p.default is not None and _default_needs_binding(model, p.default, outer):
            return None
    if moved:
        kw = [p.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT, comma=cst.MaybeSentinel.DEFAULT)
              for p in moved]
        keep = [p.with_changes(comma=cst.MaybeSentinel.DEFAULT) for p in keep]
        star = params.star_arg if not isinstance(params.star_arg, cst.MaybeSentinel) else cst.ParamStar()
        params = params.with_changes(params=keep, kwonly_params=[*kw, *params.kwonly_params], star_arg=star)
        lam = lam.with_changes(params=params)
    taken = {b if isinstance(b, str) else b[0] for b in binds}
    for n in model.free_variables(orig):
        if not hoist.bindable(model, n, own.lookup_scope(n)):
            return None
        if n not in taken:
            binds.append(n)
            taken.add(n)
    for n in hoist.guard_only_names(model, own):
        if not hoist.bindable(model, n, model.module_scope):
            return None
        if n not in taken:
            binds.append(n)
            taken.add(n)
    return lam, binds


def _fix(ctx: RuleContext, w: Worker, lam: cst.Lambda, inline: bool, workers: list[Worker]):
    model = ctx.model
    got = _captured(model, lam)
    if got is None:
        return None
    new_lam, captured = got
    top = hoist.top_index_of(model, lam)
    if top < 0:
        return None
    dead: list[cst.CSTNode] = []
    if inline:
        uses = [lam]
        var = None
    else:
        b = _lambda_binding(model, w)
        if b is None:
            return None
        var = b.name
        if _convertible_in_place(model, b) and not captured:
            return ctx.fix(TITLE, Safety.SAFE, lambda: _convert_in_place(model, b, lam), preferred=True)
        # Replace every use of this name that ships the lambda; captured names must mean the same
        # thing there as where the lambda was written.
        outer = model.node_scope[id(lam)].parent
        uses = []
        for other in workers:
            if other.value.node is lam and isinstance(other.use, cst.Name) and _lambda_binding(model, other) is b:
                scope = other.dispatch.site.scope
                if any(not isinstance(n, str) or scope.lookup_scope(n) is not outer.lookup_scope(n)  # type: ignore[union-attr]
                       for n in captured):
                    return None
                uses.append(other.use)
        if not uses:
            return None
        dead = _dead_after(model, b, uses)
    safety = Safety.UNSAFE if captured else Safety.SAFE
    # The `name = lambda ...` lines that go with the lambda (a `;` line stays: other code shares it).
    dead_lines = [found[0] for found in (statement_line_at(model, d, d) for d in dead)
                  if found is not None and isinstance(found[0], cst.SimpleStatementLine)
                  and len(found[0].body) == 1]

    def plan() -> MultiEdit:
        name = _derive_name(model, w, lam, var)
        callee, need_import = hoist.partial_callee(model) if captured else ("", False)
        new_def = hoist.lambda_as_def(model.module, new_lam, name,
                                      [n for n in captured if isinstance(n, str)])
        replacement: cst.BaseExpression
        if captured:
            replacement = hoist.partial_call(callee, name, captured)
        else:
            replacement = cst.Name(name)
        edit = MultiEdit()
        for use in uses:
            edit.replace_node(use, _keep_parens(replacement))
        comments = []
        for line in dead_lines:
            edit.move_out(line)
            comments += hoist.comments_of_line(line)
        if comments:
            new_def = new_def.with_changes(leading_lines=comments)
        edit.at_top_level(hoist.InsertTopLevel(top, (new_def,)))
        if need_import:
            edit.at_top_level(hoist.AddImport("import functools", top))
        return edit

    return ctx.fix(TITLE, safety, plan, preferred=True)


def _dead_after(model: ModuleModel, b: Binding, uses: list[cst.CSTNode]) -> list[cst.CSTNode]:
    """The `name = lambda ...` statement when every read of `name` is one of the replaced uses."""
    scope = b.scope
    if scope is None or scope.kind == "module" or len(scope.bindings.get(b.name, [])) != 1:
        return []
    if not isinstance(b.node, cst.Assign) or len(b.node.targets) != 1:
        return []
    replaced = {id(u) for u in uses}
    for s in hoist.scopes_within(model, scope):
        if s.lookup_scope(b.name) is not scope:
            continue
        for use in s.loads.get(b.name, []):
            if id(use.node) not in replaced:
                return []
    return [b.node]


def _keep_parens(replacement: cst.BaseExpression):
    def apply(updated: cst.CSTNode) -> cst.CSTNode:
        lpar = getattr(updated, "lpar", ())
        rpar = getattr(updated, "rpar", ())
        if lpar and isinstance(replacement, cst.Name):
            return replacement.with_changes(lpar=lpar, rpar=rpar)
        return replacement

    return apply


def _convertible_in_place(model: ModuleModel, b: Binding) -> bool:
    """`name = lambda ...` as a plain top-level statement, the only binding of `name`."""
    if b.scope is not model.module_scope or b.guarded or not isinstance(b.node, cst.Assign):
        return False
    if len(model.module_scope.bindings.get(b.name, [])) != 1 or len(b.node.targets) != 1:
        return False
    if not isinstance(b.node.targets[0].target, cst.Name):
        return False
    top = hoist.top_index_of(model, b.node)
    if top < 0:
        return False
    stmt = model.module.body[top]
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and stmt.body[0] is b.node


def _convert_in_place(model: ModuleModel, b: Binding, lam: cst.Lambda) -> MultiEdit:
    top = hoist.top_index_of(model, b.node)
    stmt = model.module.body[top]
    new_def = hoist.lambda_as_def(model.module, lam, b.name, ())
    comment = stmt.trailing_whitespace.comment  # type: ignore[attr-defined]
    lines = list(stmt.leading_lines)
    if comment is not None:
        lines.append(cst.EmptyLine(comment=comment))
    return MultiEdit().replace_node(stmt, new_def.with_changes(leading_lines=lines))


RULE = Rule(
    code="MP201",
    summary="A lambda is sent to a child process (as a task function, `Process` target or initializer).",
    why="""
pickle stores a function as a reference to its importable name (`module.qualname`); a lambda has
no such name (`<lambda>`), so it cannot be pickled. Pool and ProcessPoolExecutor methods (`map`,
`apply_async`, `submit`, ...) pickle the function under **every** start method, so this fails on
Linux too (the exact errors are listed below). `Process(target=lambda ...)` and
`initializer=lambda ...` fail only under `spawn`/`forkserver` (the default on Windows, macOS and, from
Python 3.14, Linux), where the `Process` object itself is pickled. Lambdas given to thread pools,
`multiprocessing.dummy`, or used as `callback`/`error_callback` (they run in the parent) are fine.

The error, by Python version (checked by running the failing case on CPython 3.10-3.13):

- a lambda defined in a function, 3.10-3.12:
  `AttributeError: Can't pickle local object 'main.<locals>.<lambda>'`
- the same, 3.13: `AttributeError: Can't get local object 'main.<locals>.<lambda>'`
- the same, 3.14: `_pickle.PicklingError: Can't pickle local object
  <function main.<locals>.<lambda> at 0x...>` (from CPython 3.14's `Lib/pickle.py`, `whichmodule()`:
  gh-122311 / PR #122771 made both pickle implementations raise `PicklingError`; CPython issue
  #139806 reports the change)
- a module-level lambda, 3.10-3.13: `_pickle.PicklingError: Can't pickle <function <lambda> at
  0x...>: attribute lookup <lambda> on __main__ failed`
- the same, 3.14: `_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: it's not
  found as __main__.<lambda>` (same source)
""",
    fix_doc="""
**Replace lambda with module-level function**: a `def _name(...)` is inserted at module level above
the statement that holds the lambda, and the lambda is replaced by it. When the lambda reads
variables of an enclosing function, they become keyword-only parameters bound with
`functools.partial(_name, x=x)`; that variant is *unsafe* (values are captured when the partial is
created, not when it runs, and they must be picklable themselves). A module-level `f = lambda ...`
is rewritten in place as `def f(...)`.
""",
    check=check,
    name="lambda-to-process",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
