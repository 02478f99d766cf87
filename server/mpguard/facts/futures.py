"""Where does a value go? Local def-use tracing for futures, async results and processes.

Used by MP401 (lost async result), MP402 (pool terminated early) and MP403 (process exit status
never checked). Given the expression that creates a value (``pool.apply_async(...)``,
``ex.submit(...)``, ``Process(...)``), :func:`trace` follows it through names, containers of such
values (lists built by comprehensions or ``.append``), ``for`` loops and comprehensions over those
containers, and reports every *use* it meets as an :class:`Event`:

* ``attr``    -- an attribute of the value is read (``r.get()``, ``p.exitcode``, ``f.result``);
                 ``attr`` holds the name, ``called`` says whether it was called.
* ``consume`` -- the value (an iterator) is iterated by ``for`` / a comprehension.
* ``wait``    -- the value (or a container of them) is passed to ``concurrent.futures.wait``.
* ``as_completed`` -- passed to ``concurrent.futures.as_completed``.
* ``neutral`` -- a use that neither retrieves nor leaks the value (``len(x)``, ``print(x)``).
* ``escape``  -- anything else (passed to a function, returned, stored on an object...): the
                 value may be handled elsewhere, so callers must treat it as "handled".

The analysis is purely local (one scope and the scopes nested in it) and conservative: whatever it
does not understand becomes ``escape``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import CallSite, Scope, scope_within

NEUTRAL_BUILTINS = {"len", "print", "repr", "str", "id", "type", "isinstance", "bool"}
CONTAINER_NEUTRAL_METHODS = {"append", "extend", "insert", "add", "clear", "remove", "discard",
                             "sort", "reverse"}


@dataclass(frozen=True)
class Event:
    kind: str  # attr | consume | wait | as_completed | neutral | escape
    node: cst.CSTNode  # the node where the use happens (for positions)
    attr: Optional[str] = None
    called: bool = False
    call: Optional[cst.Call] = None  # for called attributes: the call node


def site_of_call(model: ModuleModel, call: cst.CSTNode) -> Optional[CallSite]:
    return model.facts.calls.site_of(call)


def _call_of_arg(model: ModuleModel, arg: cst.Arg) -> Optional[CallSite]:
    return model.facts.calls.site_by_arg.get(id(arg))


def trace(model: ModuleModel, node: cst.CSTNode, scope: Scope, container: bool = False,
          depth: int = 0) -> list[Event]:
    """Every use of the value of the expression `node` (evaluated in `scope`).

    With ``container=True`` the value is a collection of the values of interest: iterating it
    traces its elements instead.
    """
    if depth > 8:
        return [Event("escape", node)]
    parent = model.parents.get(id(node))
    if parent is None:
        return [Event("escape", node)]
    return _parent_events(model, node, parent, scope, container, depth)


def _parent_events(model: ModuleModel, node: cst.CSTNode, parent: cst.CSTNode, scope: Scope,
                   container: bool, depth: int) -> list[Event]:
    if isinstance(parent, cst.Expr):
        return []  # discarded
    if isinstance(parent, cst.Attribute) and parent.value is node:
        grand = model.parents.get(id(parent))
        called = isinstance(grand, cst.Call) and grand.func is parent
        if container:
            if called and parent.attr.value in CONTAINER_NEUTRAL_METHODS:
                return [Event("neutral", parent)]
            return [Event("escape", parent)]
        return [Event("attr", parent, parent.attr.value, called, grand if called else None)]
    if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
        targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
        out: list[Event] = []
        for t in targets:
            if isinstance(t, cst.Name):
                out.extend(_name_events(model, t.value, scope, parent, container, depth))
            else:
                out.append(Event("escape", node))
        return out
    if isinstance(parent, cst.Arg):
        return _arg_events(model, node, parent, scope, container, depth)
    if isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and parent.elt is node and not container:
        return _comprehension_container(model, parent, depth)
    if isinstance(parent, cst.DictComp) and parent.key is node and not container:
        return _comprehension_container(model, parent, depth)
    if isinstance(parent, cst.For) and parent.iter is node:
        if not container:
            return [Event("consume", node)]
        return _loop_target_events(model, parent.target, scope, parent, depth)
    if isinstance(parent, cst.CompFor) and parent.iter is node:
        if not container:
            return [Event("consume", node)]
        comp_scope = model.facts.calls.comprehension_of_for.get(id(parent))
        if comp_scope is None:
            return [Event("escape", node)]
        return _loop_target_events(model, parent.target, comp_scope, comp_scope.node, depth)
    return [Event("escape", node)]


def _comprehension_container(model: ModuleModel, comp: cst.CSTNode, depth: int) -> list[Event]:
    scope = model.node_scope.get(id(comp))
    outer = scope.parent if scope is not None else None
    if outer is None:
        return [Event("escape", comp)]
    parent = model.parents.get(id(comp))
    if parent is None:
        return [Event("escape", comp)]
    return _parent_events(model, comp, parent, outer, True, depth + 1)


def _loop_target_events(model: ModuleModel, target: cst.CSTNode, scope: Scope, owner: cst.CSTNode,
                        depth: int) -> list[Event]:
    if not isinstance(target, cst.Name):
        return [Event("escape", target)]
    return _name_events(model, target.value, scope, owner, False, depth)


def _name_events(model: ModuleModel, name: str, scope: Scope, stmt: cst.CSTNode, container: bool,
                 depth: int) -> list[Event]:
    """Uses of the name bound by `stmt` in `scope` (the scope where the binding lands)."""
    target = scope.lookup_scope(name) if name not in scope.bindings else scope
    if target is None:
        return [Event("escape", stmt)]
    bindings = [b for b in target.bindings.get(name, []) if b.node is stmt]
    if not bindings:
        return [Event("escape", stmt)]
    seq = bindings[0].seq
    # Later bindings replace this one only for the uses every path to which runs through them
    # (`pool = A()` / `else: pool = B()` both reach the `pool.close()` after the `if`).
    later = [b for b in target.bindings.get(name, []) if b.seq > seq and b.kind != "augassign"]
    if target.kind == "module" and name in _globals_anywhere(model):
        return [Event("escape", stmt)]
    out: list[Event] = []
    for s in model.scopes:
        if not scope_within(s, target):
            continue
        if s is not target and s.lookup_scope(name) is not target:
            continue
        for use in s.loads.get(name, []):
            if s is target and (use.seq <= seq or any(
                    b.seq < use.seq and model.reaching.shadows(b.node, use.node, target.node) for b in later)):
                continue
            parent = model.parents.get(id(use.node))
            if parent is None:
                out.append(Event("escape", use.node))
                continue
            out.extend(_parent_events(model, use.node, parent, s, container, depth + 1))
    return out


def _globals_anywhere(model: ModuleModel) -> frozenset[str]:
    return model.facts.names.declared_global


def _arg_events(model: ModuleModel, node: cst.CSTNode, arg: cst.Arg, scope: Scope, container: bool,
                depth: int) -> list[Event]:
    site = _call_of_arg(model, arg)
    if site is None or arg.star:
        return [Event("escape", node)]
    call = site.node
    func = model.resolve(call.func, site.scope, site.seq)
    qual = func.qualname if func.kind == "ref" else None
    if qual == "concurrent.futures.wait":
        out = [Event("wait", node)]
        # `done, pending = wait(futs)`: the sets are containers of the same futures.
        parent = model.parents.get(id(call))
        if isinstance(parent, cst.Assign) and parent.value is call:
            for t in parent.targets:
                tgt = t.target
                names = [tgt] if isinstance(tgt, cst.Name) else [
                    e.value for e in tgt.elements] if isinstance(tgt, (cst.Tuple, cst.List)) else []
                if not names:
                    out.append(Event("escape", call))
                for n in names:
                    if isinstance(n, cst.Name):
                        if isinstance(tgt, cst.Name):
                            out.append(Event("escape", call))  # a DoneAndNotDoneFutures tuple
                        else:
                            out.extend(_name_events(model, n.value, site.scope, parent, True, depth + 1))
                    else:
                        out.append(Event("escape", call))
        elif not isinstance(parent, cst.Expr):
            out.append(Event("escape", call))
        return out
    if qual == "concurrent.futures.as_completed":
        return [Event("as_completed", node)]
    if func.kind == "ref" and func.qualname in NEUTRAL_BUILTINS and model.binding_before(
            func.qualname, site.scope, site.seq) is None:
        return [Event("neutral", node)]
    if isinstance(call.func, cst.Name) and call.func.value in NEUTRAL_BUILTINS and model.binding_before(
            call.func.value, site.scope, site.seq) is None:
        return [Event("neutral", node)]
    # `results.append(pool.apply_async(...))`: results becomes a container of those values.
    if (not container and isinstance(call.func, cst.Attribute) and call.func.attr.value in ("append", "add")
            and isinstance(call.func.value, cst.Name) and len(call.args) == 1):
        cname = call.func.value.value
        target = site.scope.lookup_scope(cname)
        if target is None:
            return [Event("escape", node)]
        bindings = target.bindings.get(cname, [])
        if not bindings or target.kind == "module" and cname in _globals_anywhere(model):
            return [Event("escape", node)]
        b = bindings[0]
        if b.kind != "assign" or not isinstance(b.value, (cst.List, cst.Set, cst.Call)):
            return [Event("escape", node)]
        if isinstance(b.value, cst.Call) and not (isinstance(b.value.func, cst.Name)
                                                   and b.value.func.value in ("list", "set")):
            return [Event("escape", node)]
        out = []
        for bb in bindings:
            out.extend(_name_events(model, cname, target, bb.node, True, depth + 1))
        return out
    return [Event("escape", node)]


def position_within(model: ModuleModel, inner: cst.CSTNode, outer: cst.CSTNode) -> bool:
    a = model.range_of(inner)
    b = model.range_of(outer)
    return b.start <= a.start and a.end <= b.end


class Futures:
    """Where results go: `trace` follows a future, an async result or a process from the call
    that creates it to its uses (see the module docstring)."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model

    def trace(self, node: cst.CSTNode, scope: Scope, container: bool = False) -> list[Event]:
        return trace(self.model, node, scope, container)
