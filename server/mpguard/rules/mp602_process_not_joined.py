"""MP602 process-not-joined: a `Process` is started and never joined."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.futures import trace
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg

# Uses that mean the process is waited for, reaped or deliberately detached.
HANDLED = {"join", "daemon", "is_alive", "exitcode", "close", "sentinel"}


def _daemon_keyword(call: cst.Call) -> bool:
    arg = get_arg(call, "daemon", None)
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"))


def _reaps_anywhere(model: ModuleModel) -> bool:
    """`multiprocessing.active_children()` / `connection.wait(sentinels)` reap or wait for children."""
    for site in model.calls:
        v = model.resolve(site.node.func, site.scope, site.seq)
        if v.kind == ValueKind.REF and v.qualname in ("multiprocessing.active_children",
                                              "multiprocessing.connection.wait"):
            return True
    return False


def _class_daemon(model: ModuleModel, cls) -> bool:
    """A Process subclass that sets `self.daemon = ...` or passes `daemon=` to `super().__init__`."""
    if cls is None:
        return False
    if "daemon" in cls.self_attrs:
        return True
    for f in cls.methods.values():
        for site in f.calls:
            if site.node.func is not None and isinstance(site.node.func, cst.Attribute) \
                    and site.node.func.attr.value == "__init__" and get_arg(site.node, "daemon", None) is not None:
                return True
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reaps: Optional[bool] = None
    for d in model.iter_process_dispatches():
        if d.api != "process" or not d.receiver.is_type(ObjectType.PROCESS):
            continue
        call = d.site.node
        if _daemon_keyword(call) or _class_daemon(model, d.receiver.class_info):
            continue
        events = trace(model, call, d.site.scope)
        if any(e.kind not in ("attr", "neutral") for e in events):
            continue  # stored, returned, passed on: joined (maybe) elsewhere
        attrs = {e.attr for e in events}
        if attrs & HANDLED:
            continue
        starts = [e for e in events if e.attr == "start" and e.called and e.call is not None]
        if not starts:
            continue
        if reaps is None:
            reaps = _reaps_anywhere(model)
        if reaps:
            return
        killed = attrs & {"terminate", "kill"}
        message = "This process is started but never joined, so the parent never learns when it ends"
        if killed:
            message = f"This process is started but never joined; `{sorted(killed)[0]}()` alone does not reap it"
        ctx.report(starts[0].call, message, related=[(call, "the process is created here")])


RULE = Rule(
    code="MP602",
    summary="A `Process` is started and never joined.",
    why="""
A started `multiprocessing.Process` that is never joined is not waited for: the parent cannot know
when it finished or whether it failed, and on Unix the finished child remains a zombie until it is
reaped (the docs' programming guidelines: "it is probably good practice to explicitly join all the
processes that you start"). At interpreter exit multiprocessing joins every non-daemonic child, so
a script that forgot to join simply blocks at the end until the children finish.

Not reported: processes that are joined (also through a list they were appended to),
`daemon=True` processes, and processes stored on `self`, returned or passed to other code (joined
elsewhere).

`terminate()` or `kill()` alone does not reap the child either: only `join()` (or a later
`multiprocessing.active_children()`) does.
""",
    fix_doc="""
Call `p.join()` once the parent needs the child to be done (keep the processes in a list and
join each one), or mark a background helper `daemon=True`.
""",
    check=check,
    name="process-not-joined",
    severity=Severity.HINT,
)
