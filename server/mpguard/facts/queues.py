"""Queues and primitives: the `multiprocessing` queues a dispatch hands to a child process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import Binding, scope_within

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel


@dataclass(frozen=True, eq=False)
class QueueArg:
    expr: cst.Name
    binding: Binding
    position: Optional[int]  # index in args=(...)
    keyword: Optional[str]  # key in kwargs={...}


def queue_args(model: "ModuleModel", d: Dispatch) -> list[QueueArg]:
    """The `multiprocessing` queues passed, by name, in a Process's `args=`/`kwargs=` (or to a
    Process subclass's constructor)."""
    call = d.site.node
    out: list[QueueArg] = []
    candidates: list[tuple[cst.BaseExpression, Optional[int], Optional[str]]] = []
    if d.receiver.class_info is not None:  # Process subclass: constructor arguments
        for a in call.args:
            if not a.star:
                candidates.append((a.value, None, None))
    else:
        args = get_arg(call, "args", 3)
        if args is not None and isinstance(args.value, (cst.Tuple, cst.List)):
            for i, el in enumerate(args.value.elements):
                if isinstance(el, cst.StarredElement):
                    break
                candidates.append((el.value, i, None))
        kwargs = get_arg(call, "kwargs", 4)
        if kwargs is not None and isinstance(kwargs.value, cst.Dict):
            for el in kwargs.value.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString):
                    key = el.key.evaluated_value
                    candidates.append((el.value, None, key if isinstance(key, str) else None))
    for expr, pos, key in candidates:
        if not isinstance(expr, cst.Name):
            continue
        v = model.resolve(expr, d.site.scope, d.site.seq)
        if not v.is_type(ObjectType.MP_QUEUE):
            continue
        b = model.binding_before(expr.value, d.site.scope, d.site.seq)
        if b is None:
            continue
        out.append(QueueArg(expr, b, pos, key))
    return out


def forwarded_only(model: "ModuleModel", d: Dispatch, expr: cst.BaseExpression) -> bool:
    """The process's target never touches `expr` itself: the parameter that receives it (from
    `args=(...)`) is only handed on in the `args=` of processes the target starts. Stopping such a
    process cannot leave the queue or lock half-used."""
    if d.api != "process" or d.receiver.class_info is not None:
        return False
    args = get_arg(d.site.node, "args", 3)
    if args is None or not isinstance(args.value, (cst.Tuple, cst.List)):
        return False
    index = next((i for i, el in enumerate(args.value.elements) if el.value is expr), None)
    target = model.facts.calls.worker_value(d)
    f = target.function if target.kind == "function" else None
    if index is None or f is None:
        return False
    params = f.node.params.params
    if index >= len(params):
        return False
    name = params[index].name.value
    forwarded: set[int] = set()
    for site in f.calls:
        inner = model.facts.calls.dispatch_of(site)
        inner_args = get_arg(site.node, "args", 3) if inner is not None and inner.api == "process" else None
        if inner_args is not None and isinstance(inner_args.value, (cst.Tuple, cst.List)):
            forwarded.update(id(el.value) for el in inner_args.value.elements)
    uses = [u for s in model.scopes if scope_within(s, f.scope) and s.lookup_scope(name) is f.scope
            for u in s.loads.get(name, [])]
    return all(id(u.node) in forwarded for u in uses)
