"""MP501 global-mutation-in-worker: a worker changes module-level state the parent then reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.facts.frames import callers_of, names_within, process_workers
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import Binding, CallSite, FunctionInfo, Scope, Use, frame_of
from mpguard.semantic.walk import walk_frame

MUTATORS = {
    "append", "extend", "insert", "update", "add", "setdefault", "pop", "popitem", "remove",
    "discard", "clear", "appendleft", "extendleft", "sort", "reverse", "difference_update",
    "intersection_update", "symmetric_difference_update", "__setitem__",
}
CONTAINER_CALLS = {
    "list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
    "collections.Counter", "collections.deque", "array.array",
}
SHARED_TYPES = {ObjectType.SHARED, ObjectType.MANAGER_PROXY, ObjectType.MANAGER, ObjectType.MP_QUEUE,
                ObjectType.MP_SYNC, ObjectType.PIPE, ObjectType.CONNECTION_END}


@dataclass(eq=False)
class Mutation:
    function: FunctionInfo
    node: cst.CSTNode  # what to report
    name: str  # the module-level name whose object changes
    attr: Optional[str]  # for class/instance attributes: the attribute
    kind: str  # global | container | attr
    text: str  # short description of the statement


# ---- what is a module-level container / shared object ------------------------------------

def _qual(model: ModuleModel, func: cst.BaseExpression, scope: Scope) -> Optional[str]:
    if isinstance(func, cst.Name) and scope.lookup_scope(func.value) is None:
        return func.value  # a builtin
    v = model.resolve(func, scope)
    if v.kind in (ValueKind.REF, ValueKind.MODULE):
        return v.qualname
    return None


def _is_container_expr(model: ModuleModel, expr: Optional[cst.BaseExpression], scope: Scope) -> bool:
    if isinstance(expr, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
        return True
    if isinstance(expr, cst.Call):
        return _qual(model, expr.func, scope) in CONTAINER_CALLS
    return False


def _module_bindings(model: ModuleModel, name: str) -> list[Binding]:
    return model.module_scope.bindings.get(name, [])


def _any_shared(model: ModuleModel, bindings: list[Binding]) -> bool:
    for b in bindings:
        if b.kind == "import":
            return True  # state owned by another module: stay quiet
        v = model.value_of_binding(b)
        if v.kind == ValueKind.INSTANCE and v.qualname in SHARED_TYPES:
            return True
    return False


def _module_container(model: ModuleModel, name: str) -> Optional[str]:
    """'list'/'dict'/... when `name` is a plain module-level container; None otherwise."""
    bindings = _module_bindings(model, name)
    if not bindings or _any_shared(model, bindings):
        return None
    for b in bindings:
        if b.toplevel and b.kind == "assign" and b.scope is model.module_scope and b.unpack_index is None:
            if _is_container_expr(model, b.value, model.module_scope):
                return _container_word(model, b.value)
    return None


def _container_word(model: ModuleModel, expr: Optional[cst.BaseExpression]) -> str:
    if isinstance(expr, (cst.List, cst.ListComp)):
        return "list"
    if isinstance(expr, (cst.Dict, cst.DictComp)):
        return "dict"
    if isinstance(expr, (cst.Set, cst.SetComp)):
        return "set"
    if isinstance(expr, cst.Call):
        q = _qual(model, expr.func, model.module_scope) or "container"
        return q.rsplit(".", 1)[-1]
    return "container"


def _module_object(model: ModuleModel, name: str) -> Optional[str]:
    """'class' for a module-level class, 'object' for a module-level instance of a local class or
    a SimpleNamespace; None otherwise."""
    bindings = _module_bindings(model, name)
    if not bindings or _any_shared(model, bindings):
        return None
    for b in bindings:
        if b.kind == "class" and b.scope is model.module_scope:
            return "class"
        if b.toplevel and b.kind == "assign" and b.scope is model.module_scope and isinstance(b.value, cst.Call):
            v = model.value_of_binding(b)
            if v.kind == ValueKind.INSTANCE and v.class_info is not None and v.class_info.is_module_level:
                return "object"
            if _qual(model, b.value.func, model.module_scope) == "types.SimpleNamespace":
                return "object"
    return None


def _attr_is_container(model: ModuleModel, owner: str, attr: str) -> bool:
    for b in _module_bindings(model, owner):
        if b.kind == "class":
            scope = model.node_scope.get(id(b.node))
            if scope is None or scope.cls is None:
                continue
            for cb in scope.bindings.get(attr, []):
                if cb.kind == "assign" and _is_container_expr(model, cb.value, scope):
                    return True
        elif b.kind == "assign":
            v = model.value_of_binding(b)
            if v.class_info is not None:
                for sb in v.class_info.self_attrs.get(attr, []):
                    if _is_container_expr(model, sb.value, sb.scope or model.module_scope):
                        return True
    return False


# ---- mutations inside one function --------------------------------------------------------

def _resolves_to_module(scope: Scope, name: str) -> bool:
    target = scope.lookup_scope(name)
    return target is not None and target.kind == "module"


def _target_mutation(model: ModuleModel, f: FunctionInfo, target: cst.BaseExpression,
                     stmt: cst.CSTNode, verb: str) -> Optional[Mutation]:
    """`X[k] = v`, `C.attr = v`, `C.attr[k] = v`, `OBJ.n += 1` (X, C, OBJ module-level)."""
    if isinstance(target, cst.Subscript):
        base = target.value
        if isinstance(base, cst.Name) and _resolves_to_module(f.scope, base.value):
            word = _module_container(model, base.value)
            if word:
                return Mutation(f, stmt, base.value, None, "container", f"{base.value}[...] {verb}")
        if (isinstance(base, cst.Attribute) and isinstance(base.value, cst.Name)
                and _resolves_to_module(f.scope, base.value.value)
                and _module_object(model, base.value.value)
                and _attr_is_container(model, base.value.value, base.attr.value)):
            owner = base.value.value
            return Mutation(f, stmt, owner, base.attr.value, "attr", f"{owner}.{base.attr.value}[...] {verb}")
    elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
        owner = target.value.value
        if owner != "self" and _resolves_to_module(f.scope, owner) and _module_object(model, owner):
            return Mutation(f, stmt, owner, target.attr.value, "attr", f"{owner}.{target.attr.value} {verb}")
    return None


def _walk_body(node: cst.CSTNode):
    """Statements of one function body, not entering nested defs, classes or lambdas."""
    for n in walk_frame(node, source_order=True):
        if n is not node and not isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            yield n


def mutations_in(model: ModuleModel, f: FunctionInfo) -> list[Mutation]:
    out: list[Mutation] = []
    # `global X` then X = ... / X += ...
    for name in sorted(f.global_names):
        bindings = _module_bindings(model, name)
        if _any_shared(model, bindings):
            continue
        for b in bindings:
            if b.scope is f.scope and b.kind in ("assign", "augassign", "for", "with"):
                verb = "+=" if b.kind == "augassign" else "="
                out.append(Mutation(f, b.node, name, None, "global", f"global {name}; {name} {verb} ..."))
                break
    # X.append(...), C.items.add(...)
    for site in f.calls:
        func = site.node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in MUTATORS:
            continue
        base = func.value
        if isinstance(base, cst.Name) and _resolves_to_module(site.scope, base.value):
            if _module_container(model, base.value):
                out.append(Mutation(f, site.node, base.value, None, "container",
                                    f"{base.value}.{func.attr.value}(...)"))
        elif (isinstance(base, cst.Attribute) and isinstance(base.value, cst.Name)
              and base.value.value != "self" and _resolves_to_module(site.scope, base.value.value)
              and _module_object(model, base.value.value)
              and _attr_is_container(model, base.value.value, base.attr.value)):
            owner = base.value.value
            out.append(Mutation(f, site.node, owner, base.attr.value, "attr",
                                f"{owner}.{base.attr.value}.{func.attr.value}(...)"))
    # X[k] = v, C.attr += 1, del X[k]
    for node in _walk_body(f.node.body):
        targets: list[tuple[cst.BaseExpression, str]] = []
        if isinstance(node, cst.Assign):
            for t in node.targets:
                elems = [e.value for e in t.target.elements] if isinstance(t.target, (cst.Tuple, cst.List)) else [t.target]
                targets.extend((e, "=") for e in elems)
        elif isinstance(node, cst.AugAssign):
            op = node.operator.__class__.__name__
            targets.append((node.target, "+=" if op == "AddAssign" else "op="))
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            targets.append((node.target, "="))
        elif isinstance(node, cst.Del):
            t = node.target
            elems = [e.value for e in t.elements] if isinstance(t, (cst.Tuple, cst.List)) else [t]
            targets.extend((e, "deleted") for e in elems)
        for target, verb in targets:
            m = _target_mutation(model, f, target, node, verb if verb != "deleted" else "del")
            if m is not None:
                out.append(m)
    return out


# ---- does the parent read it afterwards? --------------------------------------------------

def _scopes_by_function(model: ModuleModel) -> dict[int, list[Scope]]:
    return model.facts.frames.scopes_by_function


def _read_in(model: ModuleModel, scope: Scope, name: str, attr: Optional[str], after: int,
             excluded: set[int]) -> Optional[Use]:
    for use in scope.loads.get(name, []):
        if use.seq <= after or id(use.node) in excluded:
            continue
        if not _resolves_to_module(scope, name):
            continue
        if attr is not None:
            parent = model.parents.get(id(use.node))
            if not (isinstance(parent, cst.Attribute) and parent.value is use.node and parent.attr.value == attr):
                continue
        return use
    return None


def _frame_scopes(model: ModuleModel, scope: Scope) -> list[Scope]:
    """The scope plus comprehensions/lambdas nested in it (same frame for reading purposes)."""
    out = [scope]
    for s in model.scopes:
        if s.kind in ("comprehension", "lambda") and s.parent is not None and frame_of(s.parent) is scope:
            out.append(s)
    return out


def parent_read(model: ModuleModel, site: CallSite, name: str, attr: Optional[str],
                skip_functions: set[int]) -> Optional[Use]:
    """A read of the module-level `name` (or `name.attr`) by the parent after `site` runs: in the
    same function, in functions it calls afterwards, or in its callers after the call."""
    excluded = names_within(site.node)
    points: list[CallSite] = [site]
    seen: set[int] = set()
    i = 0
    while i < len(points) and i < 12:
        point = points[i]
        i += 1
        frame = point.scope
        while frame.parent is not None and frame.kind in ("comprehension", "lambda"):
            frame = frame.parent
        for s in _frame_scopes(model, frame):
            use = _read_in(model, s, name, attr, point.seq, excluded)
            if use is not None:
                return use
        # functions the parent calls afterwards in the same frame
        frame_calls = point.function.calls if point.function is not None else [
            c for c in model.calls if c.function is None]
        for c in frame_calls:
            if c.seq <= point.seq or id(c.node) in excluded:
                continue
            for g in model.called_functions(c):
                for h in model.transitive_callees(g):
                    if id(h) in skip_functions:
                        continue
                    for s in _scopes_by_function(model).get(id(h), []):
                        use = _read_in(model, s, name, attr, -1, excluded)
                        if use is not None:
                            return use
        # the callers of the dispatching function, after their call
        if point.function is not None and id(point.function) not in seen:
            seen.add(id(point.function))
            for caller in callers_of(model, point.function):
                if caller.function is None or id(caller.function) not in skip_functions:
                    points.append(caller)
    return None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    runs = process_workers(model, roles=("task", "target"))
    if not runs:
        return
    worker_side: set[int] = set()
    for run in runs:
        worker_side.update(id(f) for f in run.reach)
    reported: set[int] = set()
    done: set[tuple[int, str, Optional[str]]] = set()
    memo: dict[int, list[Mutation]] = {}

    def mutations_of(f: FunctionInfo) -> list[Mutation]:
        if id(f) not in memo:
            memo[id(f)] = mutations_in(model, f)
        return memo[id(f)]

    for run in runs:
        for f in run.reach:
            for m in mutations_of(f):
                key = (id(f), m.name, m.attr)
                if key in done or id(m.node) in reported:
                    continue
                mutators = {id(g) for g in model.functions
                            if any(x.name == m.name and x.attr == m.attr for x in mutations_of(g))}
                use = parent_read(model, run.dispatch.site, m.name, m.attr, worker_side | mutators)
                if use is None:
                    continue
                done.add(key)
                reported.add(id(m.node))
                ctx.report(m.node, _message(model, run, m), related=[
                    (run.dispatch.site.node, "the work is sent to worker processes here"),
                    (use.node, f"the parent reads `{m.name if m.attr is None else m.name + '.' + m.attr}` here"),
                ])


def _message(model: ModuleModel, run, m: Mutation) -> str:
    shown = f"`{m.name}`" if m.attr is None else f"`{m.name}.{m.attr}`"
    verb = "rebinds" if m.kind == "global" else "changes"
    return f"`{m.function.name}()` {verb} {shown} in a worker process; the parent never sees the change"


RULE = Rule(
    code="MP501",
    summary="A worker changes a module-level global, container or class attribute that the parent reads afterwards.",
    why="""
Every worker process has its own copy of the module's globals (a fresh import under `spawn` and
`forkserver`, a copy-on-write snapshot under `fork`). A worker that appends to a module-level
list, fills a module-level dict, bumps a class attribute or rebinds a `global` changes only its
own copy; the parent's object stays as it was. Code that reads the name after `pool.map(...)` or
`p.join()` silently sees the old value: an empty list, a zero counter.
""",
    fix_doc="""
Return the values from the worker and combine them in the parent (`results = pool.map(...)`), or
use objects that really are shared: `multiprocessing.Manager().list()/dict()`,
`multiprocessing.Value`/`Array`.
""",
    check=check,
    name="global-mutation-in-worker",
    severity=Severity.WARNING,
)
