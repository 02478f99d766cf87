"""MP205 unpicklable-self: a bound method is a worker while its instance holds something that
cannot be pickled (a pool, a lock, an open file, a connection)."""

from __future__ import annotations

from mpguard.facts.pickling import api_text, classify, iter_workers, pickles_custom
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ValueKind


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for worker in iter_workers(model):
        v = worker.value
        cls = v.class_info
        if v.kind != ValueKind.METHOD or cls is None or not cls.is_module_level or id(worker.use) in reported:
            continue  # methods of local classes are MP202's
        if v.function is not None and any(d in ("staticmethod", "classmethod") for d in v.function.decorators):
            continue  # no instance travels with them
        if pickles_custom(model, cls):
            continue  # __getstate__/__reduce__ decide what travels
        for attr, bindings in cls.self_attrs.items():
            hit = None
            for b in bindings:
                if b.value is None or b.scope is None:
                    continue
                got = classify(model, model.resolve(b.value, b.scope, b.seq), task=True)
                if got is not None:
                    hit = (b, got)
                    break
            if hit is None:
                continue
            binding, (what, _error, _advice) = hit
            reported.add(id(worker.use))
            method = v.qualname or "method"
            ctx.report(
                worker.use,
                f"{api_text(worker.dispatch)} cannot pickle bound method `{method}`: `self.{attr}` is {what}",
                related=[(binding.node, f"`self.{attr}` is set here")],
            )
            break


RULE = Rule(
    code="MP205",
    summary="A bound method is a worker while its instance holds an unpicklable attribute.",
    why="""
Pickling `self.method` pickles `self`: every attribute of the instance travels to the worker. When
the class also stores its pool or executor (`NotImplementedError: pool objects cannot be passed
between processes or pickled`), a `threading.Lock` (`TypeError: cannot pickle '_thread.lock'
object`), an open file or a database connection, the task cannot be sent at all. Pool and executor
tasks are pickled under every start method; `Process(target=self.run)` under `spawn`/`forkserver`.

The errors, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13): for a pool attribute
`NotImplementedError: pool objects cannot be passed between processes or pickled`; for a lock
`TypeError: cannot pickle '_thread.lock' object`; other resources as listed for MP203.
""",
    fix_doc="""
Make the worker a module-level function (or a `staticmethod`) that receives the plain data it needs,
or split the picklable state into a small object of its own.
""",
    check=check,
    name="unpicklable-self",
    severity=Severity.WARNING,
    crash_class=True,
)
