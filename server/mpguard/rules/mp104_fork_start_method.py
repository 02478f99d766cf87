"""MP104 fork-start-method: an explicit `fork` start method."""

from __future__ import annotations

from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import StartMethod, ValueKind
from mpguard.semantic.names import get_arg, string_value


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for site in model.calls:
        v = model.resolve(site.node.func, site.scope, site.seq)
        is_setter = (v.kind == ValueKind.REF and v.qualname == "multiprocessing.set_start_method") or (
            v.kind == ValueKind.METHOD and v.qualname == "set_start_method" and v.receiver is not None
            and v.receiver.kind == "module")
        is_context = v.kind == ValueKind.REF and v.qualname == "multiprocessing.get_context"
        if not (is_setter or is_context):
            continue
        arg = get_arg(site.node, "method", 0)
        if arg is None or string_value(arg.value) != StartMethod.FORK:
            continue
        if is_context and model.facts.calls.probed_in_try(site):
            continue  # an availability probe with a fallback, not a choice of fork
        ctx.report(
            arg.value,
            "The `fork` start method is unavailable on Windows and unsafe on macOS or with threads",
        )


RULE = Rule(
    code="MP104",
    summary="Explicit `fork` start method.",
    why="""
`fork` is unavailable on Windows, unsafe on macOS (the default there became `spawn` in 3.8), and
copies a process with threads into a child that has only one, which can deadlock on locks held by
the vanished threads (Python 3.12+ emits a DeprecationWarning). Linux moved its default to
`forkserver` in Python 3.14.

It also shares the parent's whole memory state with every child instead of isolating it, so code
that works under `fork` can break when the start method changes. With threads running, Python 3.12
and 3.13 warn (checked by running the failing case on CPython 3.10-3.13; 3.10 and 3.11 stay silent):
`DeprecationWarning: This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks
in the child.`
""",
    fix_doc="""
Use `multiprocessing.get_context("spawn")` (or `"forkserver"`) and make the workers and their
arguments picklable.

Keep `fork` only for Linux-only code that relies on the child inheriting the parent's memory.
""",
    check=check,
    name="fork-start-method",
    severity=Severity.HINT,
)
