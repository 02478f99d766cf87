"""Queues and primitives: the `multiprocessing` queues a dispatch hands to a child process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import Binding

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
