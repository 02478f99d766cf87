"""MP203 unpicklable-argument: an argument sent to worker processes cannot be pickled."""

from __future__ import annotations

from mpguard.facts.pickling import api_text, is_task, leaves, payload, when_pickled
from mpguard.rules import Rule, RuleContext, Severity


def check(ctx: RuleContext) -> None:
    report_unpicklable(ctx, ctx.facts.pickling.classify_leaf)


def report_unpicklable(ctx: RuleContext, classify_leaf) -> None:
    """Report every payload leaf that `classify_leaf(leaf, scope, seq, task)` says cannot cross.

    `classify_leaf` returns ((what, error, advice) or None, node where it was created or None);
    the syntactic rule classifies from the module model, the type-aware lane from jedi's answers.
    """
    model = ctx.model
    reported: set[int] = set()
    for d in model.iter_process_dispatches():
        when = when_pickled(model, d)
        if when is None:
            continue
        task = is_task(d)
        for expr, iterable, how in payload(model, d):
            for node, leaf, scope, seq in leaves(model, expr, d.site.scope, d.site.seq, iterable):
                if id(node) in reported:
                    continue
                got, created = classify_leaf(leaf, scope, seq, task)
                if got is None:
                    continue
                what, _error, _advice = got  # the error text and the advice are in the rule's docs
                reported.add(id(node))
                text = model.module.code_for_node(node).strip()
                subject = f"`{text}`" if len(text) <= 24 and "\n" not in text else "This value"
                if node is not leaf:
                    subject += f" (holding `{model.module.code_for_node(leaf).strip()[:20]}`)"
                spawn_only = "" if task else f" under `{when}`"
                related = [(created, "created here")] if created is not None else []
                # One sentence of at most 100 characters: drop the details that do not fit.
                message = f"{subject} is {what}, which {api_text(d)} cannot pickle{spawn_only}"
                if len(message) > 100:
                    message = f"{subject} is {what} and cannot be pickled{spawn_only}"
                if len(message) > 100:
                    message = f"This value is {what} and cannot be pickled"
                ctx.report(node, message, related=related)


RULE = Rule(
    code="MP203",
    summary="An argument sent to worker processes (an open file, a thread lock, a DB connection, a generator, "
            "a pool, or a multiprocessing queue/lock given to a Pool task) cannot be pickled.",
    why="""
Everything a Pool/ProcessPoolExecutor task carries (`apply_async(f, args)`, the items of `map`,
`submit(f, *args)`) is pickled under every start method; `Process(args=...)` and
`initargs=` are pickled under `spawn`/`forkserver`. Open files, `threading` locks and queues, DB-API
connections and cursors, generators, pools and executors cannot be pickled
(`TypeError: cannot pickle '_thread.lock' object`, `cannot pickle 'generator' object`, ...).
`multiprocessing` queues, locks and shared values can only be *inherited* — passed to `Process(args=)`
or `initargs` — and raise `RuntimeError: Queue objects should only be shared between processes through
inheritance` when sent with a task. `Manager()` proxies pickle fine.

The errors, by Python version (checked by running the failing case on CPython 3.10-3.13):

- generator: `TypeError: cannot pickle 'generator' object` (3.10-3.13)
- open file: `TypeError: cannot pickle '_io.TextIOWrapper' object` (3.10, 3.11),
  `TypeError: cannot pickle 'TextIOWrapper' instances` (3.12, 3.13)
- `threading.Lock`: `TypeError: cannot pickle '_thread.lock' object` (3.10-3.13)
- `sqlite3` connection: `TypeError: cannot pickle 'sqlite3.Connection' object` (3.10-3.13)
- `multiprocessing.Queue` sent with a task: `RuntimeError: Queue objects should only be shared
  between processes through inheritance` (3.10-3.13)
""",
    fix_doc="""
Send what the worker needs to recreate the resource — a path, a connection string, `list(gen)` — or use
`multiprocessing.Manager()` queues/locks, or hand `multiprocessing` primitives to the workers once
through `Pool(initializer=..., initargs=(...))`. There is no automatic fix.
""",
    check=check,
    name="unpicklable-argument",
    severity=Severity.ERROR,
    crash_class=True,
)
