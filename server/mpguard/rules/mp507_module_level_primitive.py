"""MP507 module-level-primitive: a module-level multiprocessing Lock/Event/Value/Array/Queue that
spawned workers use through the global name: every child re-imports the module and makes its own."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.pickling import constructor_qualname, inherited_payload
from mpguard.rules import Applies, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import Binding
from mpguard.semantic.walk import walk_tree

PRIMITIVES = (ObjectType.MP_SYNC, ObjectType.MP_QUEUE, ObjectType.SHARED)
NOT_PRIMITIVES = ("SharedMemory",)  # attached by name, not re-created: MP608's business


def _module_primitives(model: ModuleModel) -> dict[str, tuple[Binding, str]]:
    """Module-level names bound once, at import time, to a multiprocessing primitive:
    name -> (binding, constructor name). A name also set elsewhere (an initializer's `global`)
    is left alone: the workers may read the value it is set to."""
    out: dict[str, tuple[Binding, str]] = {}
    for name, bindings in model.module_scope.bindings.items():
        real = [b for b in bindings if b.kind != "import"]
        if len(real) != 1:
            continue
        b = real[0]
        if b.kind != "assign" or not b.toplevel or b.guarded or b.unpack_index is not None or b.value is None:
            continue
        v = model.value_of_binding(b)
        if not v.is_type(*PRIMITIVES):
            continue
        ctor = (constructor_qualname(model, v) or "").rsplit(".", 1)[-1]
        if not ctor or ctor in NOT_PRIMITIVES:
            continue
        out[name] = (b, ctor)
    return out


def _names_handed_over(model: ModuleModel) -> set[str]:
    """Names passed to any dispatch (`args`, `initargs`, task arguments): the worker gets the
    parent's object through them."""
    out: set[str] = set()
    for d in model.facts.calls.dispatches:
        handed: list[cst.CSTNode] = list(inherited_payload(model, d))
        handed += [a.value for a in d.site.node.args if a is not d.worker]
        for expr in handed:
            out |= {n.value for n in walk_tree(expr) if isinstance(n, cst.Name)}
    return out


def check(ctx: RuleContext) -> None:
    model = ctx.model
    primitives = _module_primitives(model)
    if not primitives:
        return
    for name in _names_handed_over(model):
        primitives.pop(name, None)
    reported: set[str] = set()
    for run in ctx.facts.frames.workers(("initializer", "target", "task")):
        if not ctx.applies_under(model.start_method_of(run.dispatch.receiver)):
            continue
        via = "initargs" if run.dispatch.api != "process" else "args"
        for f in run.reach:
            for scope in ctx.facts.frames.scopes_by_function.get(id(f), []):
                for name in sorted(primitives.keys() & scope.loads.keys()):
                    if name in reported or scope.lookup_scope(name) is not model.module_scope:
                        continue
                    reported.add(name)
                    binding, ctor = primitives[name]
                    use = scope.loads[name][0].node
                    ctx.report(_creation(binding),
                               f"Spawned workers get their own copy of module-level `{ctor}()` `{name}`; "
                               f"pass it in `{via}`",
                               related=[(use, f"`{f.name}` uses the global here")])


def _creation(binding: Binding) -> cst.CSTNode:
    value: Optional[cst.BaseExpression] = binding.value
    return value if value is not None else binding.node


RULE = Rule(
    code="MP507",
    summary="A module-level multiprocessing `Lock`/`Event`/`Value`/`Array`/`Queue` used by spawned "
            "workers through its global name is a different object in every child.",
    why="""
Under `spawn` and `forkserver` (the default on Windows and macOS, and on Linux from Python 3.14)
every child process imports the main module again. A module-level `lock = multiprocessing.Lock()`
therefore runs once more in each child and makes a new, unrelated lock; a module-level
`counter = Value("i", 0)` makes a new counter in each child; a module-level `Queue()` a new
queue. Nothing raises: the lock locks nothing (two workers hold "the" lock at once), the parent's
`counter.value` stays `0`, and a parent waiting on the module-level queue waits forever.

Under `fork` the children inherit the parent's objects and the code works, which is why it breaks
only when moving to macOS, Windows or Python 3.14 on Linux.

Not reported: primitives passed to the workers in `args`/`initargs` (the child gets the parent's
object), names that an initializer rebinds with `global`, and code that only uses `fork`.
""",
    fix_doc="""
Create the primitive under the `__main__` guard (or in `main()`) and hand it to the workers:
`Process(target=work, args=(lock,))`, or for pools
`Pool(initializer=init, initargs=(lock,))` with an `init` that stores it in a global.
Multiprocessing primitives may be passed this way (they cannot be sent as task arguments).
""",
    check=check,
    name="module-level-primitive",
    severity=Severity.WARNING,
    applies=Applies.spawned_children(),
)
