"""MP608 shared-memory-leak: `SharedMemory(create=True)` (or a `ShareableList` made from a
sequence) never unlinked on every path by the creating process, or unlinked by a worker while
other processes still attach to it."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from mpguard.facts.loops import in_loop
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import CallSite, frame_of
from mpguard.semantic.walk import walk_frame, walk_tree

SHARED_MEMORY = "multiprocessing.shared_memory.SharedMemory"
SHAREABLE_LIST = "multiprocessing.shared_memory.ShareableList"
# How code reaches the segment's `unlink()` from the name bound to the object: `shm.unlink()`,
# `sl.shm.unlink()` (a ShareableList owns its SharedMemory as `.shm`).
UNLINK_PATH = {SHARED_MEMORY: (), SHAREABLE_LIST: ("shm",)}
NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
# Builtins that read a ShareableList and keep no reference to it.
READING_BUILTINS = frozenset({"len", "list", "tuple", "sum", "min", "max", "sorted", "print"})
# Blocks that run on some paths only, relative to the statement that created the segment.
CONDITIONAL = (cst.If, cst.Else, cst.ExceptHandler, cst.For, cst.While)


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _creates_list(call: cst.Call) -> bool:
    """`ShareableList(seq)` (or with no name) creates a segment; `ShareableList(name=n)` attaches
    (CPython creates when `name is None or sequence is not None`)."""
    sequence = get_arg(call, "sequence", 0)
    if sequence is not None and not _is_none(sequence.value):
        return True
    name = get_arg(call, "name", None)
    return name is None or _is_none(name.value)


def _creates(call: cst.Call) -> Optional[bool]:
    """True for `create=True`, False for an attach (no create or `create=False`), None when the
    argument is not a literal."""
    arg = get_arg(call, "create", 1)
    if arg is None:
        return False
    if isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False"):
        return arg.value.value == "True"
    return None


def _segments(model: ModuleModel) -> Iterator[tuple[CallSite, Optional[bool], str]]:
    """Each `SharedMemory(...)` / `ShareableList(...)`: whether it creates, its class."""
    for site in model.calls:
        func = model.resolve(site.node.func, site.scope, site.seq)
        if func.kind != ValueKind.REF:
            continue
        if func.qualname == SHARED_MEMORY:
            yield site, _creates(site.node), SHARED_MEMORY
        elif func.qualname == SHAREABLE_LIST:
            yield site, _creates_list(site.node), SHAREABLE_LIST


def _bound_name(site: CallSite) -> Optional[str]:
    """`shm = SharedMemory(...)`: the name; None when the segment goes anywhere else."""
    statement = site.statement
    if (isinstance(statement, cst.Assign) and statement.value is site.node and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, cst.Name)):
        return statement.targets[0].target.value
    return None


def _is_name(expr: cst.BaseExpression, name: str) -> bool:
    return isinstance(expr, cst.Name) and expr.value == name


def _reaches(expr: cst.BaseExpression, name: str, path: tuple[str, ...]) -> bool:
    """`expr` is `name` followed by the attributes of `path` (`sl.shm` for `("shm",)`)."""
    for attr in reversed(path):
        if not (isinstance(expr, cst.Attribute) and expr.attr.value == attr):
            return False
        expr = expr.value
    return _is_name(expr, name)


def _frame_root(model: ModuleModel, site: CallSite) -> cst.CSTNode:
    return site.function.node if site.function is not None else model.module


class _Uses:
    """How one frame uses the name bound to the segment."""

    def __init__(self, model: ModuleModel, site: CallSite, name: str, unlink_path: tuple[str, ...] = ()) -> None:
        self.unlinks: list[cst.Attribute] = []
        root = _frame_root(model, site)
        frame = frame_of(site.scope)
        used_here: set[int] = set()  # `shm.buf`, `sl[0]`, `len(sl)`, `for x in sl`: uses, not escapes
        names: list[cst.Name] = []
        nested_use = any(s.kind in ("function", "lambda", "class") and s is not frame and name in s.loads
                         and s.lookup_scope(name) is frame for s in model.scopes)
        for node in walk_frame(root):
            if isinstance(node, (cst.Attribute, cst.Subscript)) and _is_name(node.value, name):
                used_here.add(id(node.value))
            elif isinstance(node, (cst.For, cst.CompFor)) and _is_name(node.iter, name):
                used_here.add(id(node.iter))
            elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
                  and node.func.value in READING_BUILTINS):
                used_here.update(id(a.value) for a in node.args if _is_name(a.value, name))
            elif isinstance(node, cst.Name) and node.value == name:
                names.append(node)
            if isinstance(node, cst.Attribute) and node.attr.value == "unlink" and _reaches(node.value, name,
                                                                                           unlink_path):
                self.unlinks.append(node)
        targets = {id(n) for n in walk_tree(site.statement) if isinstance(n, cst.Name)}
        # Handed to a function, returned, stored, captured by a nested function: cleaned up
        # elsewhere, as far as this frame can tell.
        self.escapes = nested_use or any(id(n) not in used_here and id(n) not in targets for n in names)


def _paths(root: cst.CSTNode, wanted: set[int]) -> dict[int, tuple[tuple[int, ...], bool]]:
    """For each wanted node: (ids of the conditional blocks around it, inside a `finally`)."""
    out: dict[int, tuple[tuple[int, ...], bool]] = {}

    def visit(node: cst.CSTNode, conditions: tuple[int, ...], in_finally: bool) -> None:
        if id(node) in wanted:
            out[id(node)] = (conditions, in_finally)
        if isinstance(node, NESTED) and node is not root:
            return
        if isinstance(node, CONDITIONAL):
            conditions = (*conditions, id(node))
        if isinstance(node, cst.Finally):
            in_finally = True
        for child in walk_tree(node, prune=lambda n: n is not node, source_order=True):
            if child is not node:
                visit(child, conditions, in_finally)

    visit(root, (), False)
    return out


def _worker_unlinks(ctx: RuleContext) -> Iterator[tuple[cst.Attribute, str]]:
    """`x.unlink()` on a segment a worker attached to, when several workers attach (pool tasks, or
    processes started in a loop)."""
    model = ctx.model
    attaching = {id(site.node): (site, cls) for site, creates, cls in _segments(model) if creates is False}
    if not attaching:
        return
    for run in ctx.facts.frames.workers(("target", "task")):
        d = run.dispatch
        if d.api == DispatchApi.PROCESS and not in_loop(d.site):
            continue
        for site, cls in list(attaching.values()):
            if site.function is not run.worker:
                continue
            name = _bound_name(site)
            if name is None:
                continue
            for unlink in _Uses(model, site, name, UNLINK_PATH[cls]).unlinks:
                attaching.pop(id(site.node), None)
                yield unlink, name


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for site, creates, cls in _segments(model):
        if creates is not True or model.facts.calls.expected_to_raise(site):
            continue  # (a creation the code expects to fail, in `pytest.raises`, creates nothing)
        name = _bound_name(site)
        if name is None:
            continue
        root = _frame_root(model, site)
        uses = _Uses(model, site, name, UNLINK_PATH[cls])
        if uses.escapes:
            continue
        unlink = ".".join((*UNLINK_PATH[cls], "unlink()"))  # `unlink()`, `shm.unlink()`
        if not uses.unlinks:
            ctx.report(site.node, f"Shared memory `{name}` is never unlinked and leaks until reboot; "
                                  f"call `{unlink}` in `finally`")
            continue
        paths = _paths(root, {id(site.statement), *(id(u) for u in uses.unlinks)})
        created_under = set(paths.get(id(site.statement), ((), False))[0])
        if any(in_finally or set(conditions) <= created_under
               for conditions, in_finally in (paths.get(id(u), ((), False)) for u in uses.unlinks)):
            continue
        ctx.report(site.node, f"Shared memory `{name}` is unlinked only on some paths; call `{unlink}` in `finally`",
                   related=[(u, "unlinked only here") for u in uses.unlinks])
    for unlink, name in _worker_unlinks(ctx):
        ctx.report(unlink, f"A worker unlinks `{name}` while other processes may still attach to it")


RULE = Rule(
    code="MP608",
    summary="`SharedMemory(create=True)` or `ShareableList(seq)` not unlinked on every path, or unlinked "
            "by a worker while other processes still attach.",
    why="""
A `multiprocessing.shared_memory.SharedMemory(create=True)` segment outlives the process that
created it: on Linux it is a file in `/dev/shm`, on macOS a POSIX shared memory object, and it
is freed only by `unlink()` (on Windows, when the last handle closes). `close()` only detaches
this process. A program that creates segments and exits, or raises, before `unlink()` leaks
them; the memory stays used until reboot, and at exit the resource tracker (3.8-3.12 and any
spawned child on later versions) prints

`UserWarning: resource_tracker: There appear to be 1 leaked shared_memory objects to clean up at shutdown`

(checked by running the failing case on CPython 3.11 here).

`ShareableList(sequence)` creates a segment the same way (it owns a `SharedMemory` as `.shm`):
its cleanup is `sl.shm.close(); sl.shm.unlink()`. `ShareableList(name=...)` only attaches, like
`SharedMemory(name)`; a worker that attaches that way only calls `sl.shm.close()`. (A
`ShareableList` left with `sl.shm.close()` only printed the same warning on CPython 3.11 here.)

The opposite mistake is a worker that unlinks a segment it only attached to while other workers
still attach by name: they fail with
`FileNotFoundError: [Errno 2] No such file or directory: '/psm_...'`.

Not reported: `SharedMemoryManager` (it unlinks its segments on exit), `unlink()` in a `finally`
or on every path after the workers finished, and segments handed to other code (returned,
stored on an object, passed to a function) whose cleanup this module cannot see.
""",
    fix_doc="""
Pair creation and cleanup in the creating process:
`shm = SharedMemory(create=True, size=n)`, then `try: ... finally: shm.close(); shm.unlink()`,
or let `multiprocessing.managers.SharedMemoryManager` own the segments
(`with SharedMemoryManager() as smm: shm = smm.SharedMemory(n)`, or `smm.ShareableList(seq)`).
For a `ShareableList` `sl`: `finally: sl.shm.close(); sl.shm.unlink()`. Workers only `close()`.
""",
    check=check,
    name="shared-memory-leak",
    severity=Severity.WARNING,
)
