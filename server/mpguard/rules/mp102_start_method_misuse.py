"""MP102 start-method-misuse: set_start_method at import time, twice, or after processes exist."""

from __future__ import annotations

import libcst as cst

from mpguard.fixes.guard import guard_fix
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, StartMethod, ValueKind
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import CallSite


def _forced(site: CallSite) -> bool:
    arg = get_arg(site.node, "force", 1)
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "False")


def _flow_key(model, site: CallSite):
    """Calls in the same function body (or the same module-level region) share a flow."""
    return (id(site.function) if site.function is not None else None,
            site.guarded if site.function is None else None)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    setters = model.explicit_start_methods()
    if not setters:
        return
    import_time_funcs = model.functions_run_at_import()
    reported: set[int] = set()
    import_time_setters = []
    for method, site in setters:
        at_import = site.import_time or (site.function is not None and id(site.function) in import_time_funcs)
        at_import = at_import and not model.is_notebook
        if at_import:
            import_time_setters.append(site)
        if at_import and not _forced(site) and method != StartMethod.FORK:
            fix = guard_fix(ctx, site.top_index) if site.import_time else None
            ctx.report(
                site.node,
                f"`set_start_method({method!r})` runs at import time; "
                'call it under `if __name__ == "__main__":`',
                fixes=[fix] if fix else [],
            )
            reported.add(id(site.node))
    # A second call in the same run without force=True.
    seen: list[CallSite] = []
    for method, site in setters:
        if id(site.node) in reported:
            seen.append(site)
            continue
        earlier = [s for s in seen if s.seq < site.seq and (
            _flow_key(model, s) == _flow_key(model, site) or s in import_time_setters)]
        if earlier and not _forced(site):
            ctx.report(
                site.node,
                "`set_start_method()` is called a second time without `force=True`",
                related=[(earlier[-1].node, "first call")],
            )
            reported.add(id(site.node))
        seen.append(site)
    # Called after a Pool/Process/Manager of the default context was created in the same flow.
    for method, site in setters:
        if id(site.node) in reported or _forced(site):
            continue
        for other in model.calls:
            if other.seq >= site.seq or _flow_key(model, other) != _flow_key(model, site):
                continue
            inst = model.resolve(other.node, other.scope, other.seq)
            if inst.kind == ValueKind.INSTANCE and not inst.start_method and inst.qualname in (
                    ObjectType.POOL, ObjectType.MANAGER, ObjectType.MP_QUEUE, ObjectType.MP_SYNC):
                ctx.report(
                    site.node,
                    "`set_start_method()` is called after the default context was already used",
                    related=[(other.node, "created here with the default context")],
                )
                reported.add(id(site.node))
                break


RULE = Rule(
    code="MP102",
    summary="`set_start_method()` at import time, more than once, or after processes were created.",
    why="""
`multiprocessing.set_start_method()` may be called only once per program, before any process,
pool, queue or lock of the default context exists. Called at module top level, it runs again in
every spawned child (which re-imports the main module) and raises `RuntimeError: context has
already been set`. The documentation recommends calling it under `if __name__ == "__main__":`,
and libraries should use `multiprocessing.get_context(method)` instead.

Fails under every start method once the call runs twice; an import-time call runs twice as soon as
a `spawn`/`forkserver` child re-imports the module. The error, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13):
`RuntimeError: context has already been set`.
""",
    fix_doc="""
**Wrap in `if __name__ == "__main__":` guard** (safe) for an import-time call; otherwise call it
once, pass `force=True` deliberately, or use `ctx = multiprocessing.get_context("spawn")` and
`ctx.Pool(...)` / `ctx.Process(...)`.
""",
    check=check,
    name="start-method-misuse",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
