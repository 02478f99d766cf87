"""MP101 unguarded-process-start: processes start while the module is being imported."""

from __future__ import annotations

from mpguard.fixes.guard import guard_fix
from mpguard.rules import Applies, Fixable, Rule, RuleContext, Severity


def check(ctx: RuleContext) -> None:
    model = ctx.model
    starts = [s for s in model.facts.starts.import_time_starts if ctx.applies_under(s.start.start_method)]
    if not starts:
        return
    first_index = min(s.top_site.top_index for s in starts)
    reported: set[int] = set()
    for item in starts:
        top = item.top_site
        if id(top.node) in reported:
            continue
        reported.add(id(top.node))
        if item.via is None:
            call = item.start.what.split("` ", 1)[0] + "`"  # "`Pool(...)`" of "`Pool(...)` starts ..."
            message = (
                f"{call} starts processes at import time; "
                'move it under `if __name__ == "__main__":`'
            )
            related = []
        else:
            message = (
                f"`{item.via.name}()` starts processes at import time; "
                'call it under `if __name__ == "__main__":`'
            )
            related = [(item.start.site.node, "the process starts here")]
        fix = guard_fix(ctx, first_index)
        ctx.report(top.node, message, fixes=[fix] if fix else [], related=related)


RULE = Rule(
    code="MP101",
    summary="Processes start at import time of the module, outside `if __name__ == \"__main__\":`.",
    why="""
Under the `spawn` start method (the default on Windows and macOS, and `forkserver` on Linux from
Python 3.14 behaves the same way here), each child process starts a fresh interpreter and imports
the main module as `__mp_main__`. Any top-level statement that creates a `Pool`, starts a
`Process`, starts a `Manager` or submits work to a `ProcessPoolExecutor` runs again in every child,
which raises `RuntimeError: An attempt has been made to start a new process before the current
process has finished its bootstrapping phase`. A `Pool` keeps replacing its dying workers, so the
parent often hangs instead. mpguard follows calls within the module: a bare `main()` at the bottom
counts.

Fails under `spawn` (Windows, macOS) and `forkserver` (Linux from Python 3.14); `fork` children do
not re-import the module. The error, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13):
`RuntimeError: An attempt has been made to start a new process before the current process has
finished its bootstrapping phase.`
""",
    fix_doc="""
**Wrap in `if __name__ == "__main__":` guard** (safe): the statements from the first process start
to the end of the module move under the guard (merged into an existing one); imports, functions,
classes and constants stay at top level so children can still import the workers.
""",
    check=check,
    name="unguarded-process-start",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    applies=Applies.spawned_children(notebooks=False),
    crash_class=True,
)
