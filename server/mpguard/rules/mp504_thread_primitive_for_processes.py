"""MP504 thread-primitive-for-processes: a `threading` lock/event or `queue.Queue` handed to a
process, where it is not shared."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.pickling import constructor_qualname, inherited_payload
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, StartMethod
from mpguard.semantic.library import canonical
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import Value

# thread primitive -> (multiprocessing equivalent, attributes the equivalent supports)
_LOCK = {"acquire", "release"}
EQUIVALENTS: dict[str, tuple[str, set[str]]] = {
    "threading.Lock": ("Lock", _LOCK),
    "threading.RLock": ("RLock", _LOCK),
    "threading.Semaphore": ("Semaphore", _LOCK),
    "threading.BoundedSemaphore": ("BoundedSemaphore", _LOCK),
    "threading.Event": ("Event", {"set", "clear", "is_set", "wait"}),
    "threading.Condition": ("Condition", _LOCK | {"wait", "wait_for", "notify", "notify_all"}),
    "threading.Barrier": ("Barrier", {"wait", "reset", "abort", "parties", "n_waiting", "broken"}),
    "queue.Queue": ("Queue", {"put", "get", "put_nowait", "get_nowait", "empty", "full", "qsize"}),
    "queue.SimpleQueue": ("SimpleQueue", {"put", "get", "empty"}),
    "queue.LifoQueue": ("", set()),
    "queue.PriorityQueue": ("", set()),
}
_JOINABLE = {"task_done", "join"}


def _primitive(model: ModuleModel, v: Value) -> Optional[str]:
    if not v.is_type(ObjectType.THREAD_SYNC, ObjectType.THREAD_QUEUE):
        return None
    ctor = canonical(constructor_qualname(model, v) or "")
    ctor = ctor.replace("multiprocessing.dummy.", "threading.") if ctor.startswith("multiprocessing.dummy.") else ctor
    if ctor == "threading.Queue":
        ctor = "queue.Queue"
    return ctor if ctor in EQUIVALENTS else None


def _uses(model: ModuleModel, ctor_call: cst.Call) -> Optional[set[str]]:
    """Attributes used on the variable the primitive is bound to (None: not trackable)."""
    parent = model.parents.get(id(ctor_call))
    if not isinstance(parent, cst.Assign):
        return set() if isinstance(parent, (cst.Arg, cst.Element)) else None
    if len(parent.targets) != 1 or not isinstance(parent.targets[0].target, cst.Name):
        return None
    name = parent.targets[0].target.value
    attrs: set[str] = set()
    for s in model.scopes:
        for use in s.loads.get(name, []):
            b = model.binding_before(name, s, use.seq)
            if b is None or b.node is not parent:
                continue
            p = model.parents.get(id(use.node))
            if isinstance(p, cst.Attribute) and p.value is use.node:
                attrs.add(p.attr.value)
    return attrs


def _mp_module_name(model: ModuleModel) -> tuple[Optional[str], bool]:
    """(name under which `multiprocessing` is bound at module level, whether to add the import)."""
    for name, bindings in model.module_scope.bindings.items():
        for b in bindings:
            if b.kind == "import" and b.qualname == "multiprocessing" and isinstance(b.node, cst.Import):
                if len(bindings) == 1:
                    return name, False
    if model.module_scope.bindings.get("multiprocessing"):
        return None, False
    return "multiprocessing", True


class ImportMultiprocessing:
    """Top-level edit: `import multiprocessing` after `__future__` imports and the docstring,
    before the first other import."""

    @staticmethod
    def apply(module: cst.Module) -> cst.Module:
        return _add_import(module)


def _add_import(module: cst.Module) -> cst.Module:
    body = list(module.body)
    insert_at = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body):
            if any(isinstance(s, cst.ImportFrom) and s.module is not None and getattr(s.module, "value", "") == "__future__"
                   for s in stmt.body):
                insert_at = i + 1
                continue
            insert_at = i
            break
        if i == 0 and isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr):
            insert_at = 1
            continue
        break
    new = cst.parse_statement("import multiprocessing\n")
    body.insert(insert_at, new)
    return module.with_changes(body=body)


def _fix(ctx: RuleContext, ctor: str, ctor_call: cst.Call, d: Dispatch):
    model = ctx.model
    mp_name, need_import = _mp_module_name(model)
    target, supported = EQUIVALENTS[ctor]
    if mp_name is None or not target:
        return None
    if d.receiver.start_method not in (None, "default"):
        return None  # processes of an explicit context: use ctx.X() (not automated)
    uses = _uses(model, ctor_call)
    if uses is None:
        return None
    if target == "Queue" and uses & _JOINABLE:
        target = "JoinableQueue"
        supported = supported | _JOINABLE
    if not uses <= supported:
        return None
    new_call = ctor_call.with_changes(func=cst.Attribute(value=cst.Name(mp_name), attr=cst.Name(target)))

    edit = MultiEdit().replace_node(ctor_call, new_call)
    if need_import:
        edit.at_top_level(ImportMultiprocessing())
    return ctx.fix("Replace with multiprocessing equivalent", Safety.SAFE, edit, preferred=True)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for d in model.iter_process_dispatches():
        if not d.is_process:
            continue
        for expr in inherited_payload(model, d):
            v = model.resolve(expr, d.site.scope, d.site.seq)
            ctor = _primitive(model, v)
            if ctor is None or id(expr) in reported or not isinstance(v.node, cst.Call):
                continue
            reported.add(id(expr))
            method = model.start_method_of(d.receiver)
            short = ctor.split(".", 1)[1]
            if method == StartMethod.FORK:
                message = f"A `{ctor}` is not shared with `fork` children: each one gets its own copy"
            else:
                message = f"A `{ctor}` cannot be pickled to reach a `{method}` child process"
            fix = _fix(ctx, ctor, v.node, d)
            ctx.report(expr, message, fixes=[fix] if fix else [],
                       related=[(v.node, f"the `{short}` is created here")])


RULE = Rule(
    code="MP504",
    summary="A `threading` lock/event or a `queue.Queue` is passed to a process, where it is not shared.",
    why="""
`threading.Lock`, `Event`, `Condition`, `Semaphore` and `queue.Queue` coordinate threads of one
process. Handed to a child process through `Process(args=...)` or `initargs`, they either fail to
pickle under `spawn`/`forkserver` (`TypeError: cannot pickle '_thread.lock' object`) or, under
`fork`, become an independent copy in the child: a queue the parent never receives from, a lock
that excludes nobody.

Under `spawn`/`forkserver` (Windows, macOS, Linux from Python 3.14) the error is the one MP203
lists for locks; under `fork` nothing raises and the processes silently do not coordinate.
""",
    fix_doc="""
**Replace with multiprocessing equivalent** (safe): `threading.Lock()` -> `multiprocessing.Lock()`,
`queue.Queue()` -> `multiprocessing.Queue()` (`JoinableQueue` when `task_done()`/`join()` are used),
and so on; `import multiprocessing` is added when needed. Not offered for `PriorityQueue`/
`LifoQueue`, for explicit contexts, or when the object is used with methods the equivalent lacks.

There is no process-shared `PriorityQueue`/`LifoQueue`: share one through a `Manager()`.
""",
    check=check,
    name="thread-primitive-for-processes",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
