"""Pools and their lifecycle: `join()` calls on `multiprocessing` pools, and whether the pool
was closed, terminated (by a `with` exit) or handed to other code before."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Optional

import libcst as cst

from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.names import method_name, receiver_text
from mpguard.semantic.records import CallSite, Value

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel


@dataclass(frozen=True, eq=False)
class PoolJoin:
    site: CallSite  # the `pool.join()` call
    receiver: str  # "pool", "self.pool"
    pool: Value  # the Pool / ThreadPool instance
    closed_before: Optional[bool]  # True: close()/terminate() first; None: elsewhere, order unknown
    escapes_before: bool  # handed to a callable (which may close it), returned or stored before
    after_with_exit: bool  # joined after the `with Pool() as pool:` block that terminated it


class Pools:
    def __init__(self, model: "ModuleModel") -> None:
        self.model = model

    @cached_property
    def joins(self) -> list[PoolJoin]:
        """Every argument-less `join()` on a `multiprocessing.pool.Pool` or `ThreadPool`."""
        model = self.model
        return [PoolJoin(site, recv, pool, _closed_before(model, site, recv), _escapes_before(model, site, recv),
                         _after_with_exit(model, site, recv))
                for site, recv, pool in _pool_join_sites(model)]


_CLOSERS = ("close", "terminate")


def _pool_join_sites(model: "ModuleModel") -> Iterator[tuple[CallSite, str, Value]]:
    for site in model.calls:
        if method_name(site.node) != "join" or site.node.args:
            continue
        func = model.resolve(site.node.func, site.scope, site.seq)
        if func.kind != "method" or func.receiver is None:
            continue
        if not func.receiver.is_type(ObjectType.POOL, ObjectType.THREAD_POOL):
            continue
        recv = receiver_text(site.node)
        if recv is None:
            continue
        yield site, recv, func.receiver


def _closed_before(model: "ModuleModel", join: CallSite, recv: str) -> Optional[bool]:
    """True: a close()/terminate() precedes the join in the same function; None: one exists
    somewhere else (flow unknown: stay quiet); False: none anywhere."""
    elsewhere = False
    for site in model.calls:
        if method_name(site.node) not in _CLOSERS or receiver_text(site.node) != recv:
            continue
        if site.scope is join.scope:
            if site.seq < join.seq or join.loop_depth > 0:
                return True
        elif recv.startswith("self.") or site.function is None or join.function is None:
            elsewhere = True
        elif site.function is not None and join.function is not None and (
                site.function.class_info is not None and site.function.class_info is join.function.class_info):
            elsewhere = True
    return None if elsewhere else False


def _escapes_before(model: "ModuleModel", join: CallSite, recv: str) -> bool:
    """The pool is handed to another callable (which may close it) before the join."""
    if "." in recv:
        return False
    for use in join.scope.loads.get(recv, []):
        if use.seq >= join.seq:
            continue
        parent = model.parents.get(id(use.node))
        if isinstance(parent, (cst.Arg, cst.Element, cst.Return)):
            return True
    return False


def _after_with_exit(model: "ModuleModel", join: CallSite, recv: str) -> bool:
    """`with Pool() as pool: ...` then `pool.join()` after the block: `__exit__` terminated it."""
    if "." in recv:
        return False
    b = model.binding_before(recv, join.scope, join.seq)
    if b is None or b.kind != "with" or not isinstance(b.node, cst.With):
        return False
    return not any(item in b.node.items for item in join.with_items)
