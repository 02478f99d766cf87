"""Fix: convert a `with Pool(...) as p:` block to `concurrent.futures.ProcessPoolExecutor`.

Public API (used by MP402, MP403 and MP606)::

    pool_conversion(model, target) -> Optional[MultiEdit]       # a fix's declared edits
    convert_pool_to_executor(model, target) -> Optional[libcst.Module]

``target`` is the ``libcst.With`` statement, the ``libcst.WithItem``, the ``Pool(...)``
constructor ``libcst.Call`` used as a with item, or the model ``Binding`` of the ``as`` name
(kind ``"with"``), all taken from ``model.module``. ``pool_conversion`` returns the edits (the
import included), ``convert_pool_to_executor`` the edited module; ``None`` when the block is not
convertible.

Why: `ProcessPoolExecutor`'s `with` exit *waits* for pending work (a Pool's exit calls
`terminate()`), its workers are not daemonic (they may start processes of their own), and
`Future.result()` re-raises the worker's exception with the child's traceback.

Convertible only when every use of the pool name is one of these, inside the block:

* ``p.map(f, xs[, n])``                 -> ``list(p.map(f, xs[, chunksize=n]))`` (no ``list`` when
                                           directly iterated by ``for``/a comprehension)
* ``p.imap(f, xs[, n])`` / ``imap_unordered`` -> ``p.map(f, xs[, chunksize=n])``
* ``p.starmap(f, args[, n])``           -> ``list(p.map(f, *zip(*args)[, chunksize=n]))``
* ``p.apply(f, (a, b), {"k": v})``      -> ``p.submit(f, a, b, k=v).result()``
* ``p.apply_async(f, args)``            -> ``p.submit(f, *args)``; every later ``.get(...)`` on
                                           the result becomes ``.result(...)`` and ``.ready()``
                                           becomes ``.done()`` (no ``callback``/``error_callback``)
* ``p.map_async(f, xs).get()`` / ``starmap_async`` with one ``.get()`` -> like ``map``/``starmap``
* ``p.close()`` / ``p.join()`` statements -> removed (the executor's exit waits)

The pool's arguments map to ``max_workers``, ``initializer``, ``initargs``,
``max_tasks_per_child`` and ``mp_context`` (``ctx.Pool(...)`` and ``Pool(context=ctx)`` keep
their context). The pool keeps its name; ``from concurrent.futures import ProcessPoolExecutor`` is
added when the module does not bind that name yet.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from mpguard.facts.futures import position_within, site_of_call, trace
from mpguard.fixes.insert import AddImportFrom
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import Binding, Scope, scope_within

_POOL_ARGS = ("processes", "initializer", "initargs", "maxtasksperchild", "context")
_EXECUTOR_ARGS = {"processes": "max_workers", "initializer": "initializer", "initargs": "initargs",
                  "maxtasksperchild": "max_tasks_per_child", "context": "mp_context"}

Target = Union[cst.With, cst.WithItem, cst.Call, Binding]


def find_with(model: ModuleModel, item: cst.WithItem) -> Optional[cst.With]:
    """The `with` statement holding `item` (a walk of its top-level statement only)."""
    top = model.node_top.get(id(item.item))
    roots = [model.module.body[top]] if top is not None and top >= 0 else list(model.module.body)
    found: list[cst.With] = []

    class V(cst.CSTVisitor):
        def visit_With(self, node: cst.With) -> Optional[bool]:
            if any(i is item for i in node.items):
                found.append(node)
                return False
            return True

    for root in roots:
        root.visit(V())
        if found:
            return found[0]
    return None


def _pool_item(model: ModuleModel, target: Target) -> Optional[tuple[cst.With, cst.WithItem]]:
    if isinstance(target, Binding):
        if target.kind != "with" or not isinstance(target.node, cst.With):
            return None
        with_node = target.node
        items = [i for i in with_node.items if i.item is target.value]
        return (with_node, items[0]) if items else None
    if isinstance(target, cst.With):
        for item in target.items:
            if _is_pool_constructor(model, item.item):
                return target, item
        return None
    if isinstance(target, cst.Call):
        item = _item_of_call(model, target)
        if item is None:
            return None
        target = item
    if isinstance(target, cst.WithItem):
        w = find_with(model, target)
        return (w, target) if w is not None else None
    return None


def _item_of_call(model: ModuleModel, call: cst.Call) -> Optional[cst.WithItem]:
    site = site_of_call(model, call)
    if site is None:
        return None
    for s in model.calls:
        for item in s.with_items:
            if item.item is call:
                return item
    # The constructor may be in a `with` whose body has no calls at all.
    top = model.node_top.get(id(call))
    if top is None or top < 0:
        return None
    found: list[cst.WithItem] = []

    class V(cst.CSTVisitor):
        def visit_WithItem(self, node: cst.WithItem) -> Optional[bool]:
            if node.item is call:
                found.append(node)
            return False

    model.module.body[top].visit(V())
    return found[0] if found else None


def _is_pool_constructor(model: ModuleModel, expr: cst.BaseExpression) -> bool:
    if not isinstance(expr, cst.Call):
        return False
    site = site_of_call(model, expr)
    if site is None:
        return False
    return model.resolve(expr, site.scope, site.seq).is_type("mp.Pool")


def _executor_call(model: ModuleModel, call: cst.Call) -> Optional[cst.Call]:
    site = site_of_call(model, call)
    if site is None:
        return None
    func = model.resolve(call.func, site.scope, site.seq)
    context_expr: Optional[cst.BaseExpression] = None
    if func.kind == "method" and func.receiver is not None and func.receiver.is_type("mp.context"):
        if not isinstance(call.func, cst.Attribute):
            return None
        context_expr = call.func.value
    elif not (func.kind == "ref"):
        return None
    args: list[cst.Arg] = []
    positional = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if positional >= len(_POOL_ARGS):
                return None
            name = _POOL_ARGS[positional]
            positional += 1
        else:
            name = arg.keyword.value
            if name not in _EXECUTOR_ARGS:
                return None
        if name == "context":
            if context_expr is not None:
                return None
            context_expr = arg.value
            continue
        args.append(cst.Arg(value=arg.value, keyword=cst.Name(_EXECUTOR_ARGS[name]),
                            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                  whitespace_after=cst.SimpleWhitespace(""))))
    if context_expr is not None:
        args.append(cst.Arg(value=context_expr, keyword=cst.Name("mp_context"),
                            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                  whitespace_after=cst.SimpleWhitespace(""))))
    args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            if i < len(args) - 1 else a for i, a in enumerate(args)]
    return cst.Call(func=cst.Name("ProcessPoolExecutor"), args=args)


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    return [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            if i < len(args) - 1 else a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            for i, a in enumerate(args)]


def _plain(arg: Optional[cst.Arg]) -> Optional[cst.BaseExpression]:
    return None if arg is None else arg.value


def _submit_args(fn: cst.BaseExpression, args: Optional[cst.BaseExpression],
                 kwds: Optional[cst.BaseExpression]) -> list[cst.Arg]:
    out = [cst.Arg(fn)]
    if args is not None:
        if isinstance(args, (cst.Tuple, cst.List)) and all(
                isinstance(e, cst.Element) for e in args.elements):
            out.extend(cst.Arg(e.value) for e in args.elements)
        else:
            out.append(cst.Arg(args, star="*"))
    if kwds is not None:
        if isinstance(kwds, cst.Dict) and all(
                isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                and isinstance(e.key.evaluated_value, str) and e.key.evaluated_value.isidentifier()
                for e in kwds.elements):
            out.extend(_kw(e.key.evaluated_value, e.value) for e in kwds.elements)  # type: ignore[union-attr]
        else:
            out.append(cst.Arg(kwds, star="**"))
    return _commas(out)


def _map_args(fn, iterable, chunksize, star: bool) -> list[cst.Arg]:
    if star:
        inner = cst.Call(func=cst.Name("zip"), args=[cst.Arg(iterable, star="*")])
        out = [cst.Arg(fn), cst.Arg(inner, star="*")]
    else:
        out = [cst.Arg(fn), cst.Arg(iterable)]
    if chunksize is not None:
        out.append(_kw("chunksize", chunksize))
    return _commas(out)


def _wrap_list(expr: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=cst.Name("list"), args=[cst.Arg(expr)])


def pool_conversion(model: ModuleModel, target: Target) -> Optional[MultiEdit]:
    """The conversion's edits, the `ProcessPoolExecutor` import included (None: not convertible)."""
    if not _import_ok(model):
        return None
    edit = plan_pool_conversion(model, target)
    if edit is None:
        return None
    if not model.module_scope.bindings.get("ProcessPoolExecutor"):
        # Bound in a function scope only? Then a module-level import is still fine.
        edit.at_top_level(AddImportFrom("concurrent.futures", "ProcessPoolExecutor"))
    return edit


def convert_pool_to_executor(model: ModuleModel, target: Target) -> Optional[cst.Module]:
    edit = pool_conversion(model, target)
    return None if edit is None else edit.apply(model.module)


def can_convert_pool(model: ModuleModel, target: Target) -> bool:
    """Cheap check (no tree rewrite) for offering the fix."""
    return plan_pool_conversion(model, target) is not None and _import_ok(model)


def plan_pool_conversion(model: ModuleModel, target: Target) -> Optional[MultiEdit]:
    """The edits of the conversion, not yet applied (None when not convertible)."""
    found = _pool_item(model, target)
    if found is None:
        return None
    with_node, item = found
    call = item.item
    if not isinstance(call, cst.Call) or item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    if not _is_pool_constructor(model, call):
        return None
    new_ctor = _executor_call(model, call)
    if new_ctor is None:
        return None
    name = item.asname.name.value
    site = site_of_call(model, call)
    if site is None:
        return None
    scope = site.scope
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    home = scope.lookup_scope(name) or scope
    edit = MultiEdit()
    edit.replace_node(call, new_ctor)
    for s in model.scopes:
        if not scope_within(s, home) or (s is not home and s.lookup_scope(name) is not home):
            continue
        for use in s.loads.get(name, []):
            if not position_within(model, use.node, with_node):
                # A use after the block: fine only if it is a later, separate binding's use.
                b = model.binding_before(name, s, use.seq)
                if b is not None and b.node is with_node:
                    return None
                continue
            if not _convert_use(model, edit, use.node, s):
                return None
    return edit




def _convert_use(model: ModuleModel, edit: MultiEdit, name_node: cst.CSTNode, scope: Scope) -> bool:
    attr = model.parents.get(id(name_node))
    if not isinstance(attr, cst.Attribute) or attr.value is not name_node:
        return False
    call = model.parents.get(id(attr))
    if not isinstance(call, cst.Call) or call.func is not attr:
        return False
    method = attr.attr.value
    parent = model.parents.get(id(call))
    recv = attr.value
    if method in ("close", "join"):
        if call.args or not isinstance(parent, cst.Expr):
            return False
        edit.remove_stmt(parent)
        return True
    if method in ("map", "imap", "imap_unordered", "starmap"):
        fn = _plain(get_arg(call, "func", 0))
        it = _plain(get_arg(call, "iterable", 1))
        cs = _plain(get_arg(call, "chunksize", 2))
        if fn is None or it is None or len(call.args) > 2 + (cs is not None) or any(a.star for a in call.args):
            return False
        new = cst.Call(func=cst.Attribute(value=recv, attr=cst.Name("map")),
                       args=_map_args(fn, it, cs, star=method == "starmap"))
        iterated = (isinstance(parent, cst.For) and parent.iter is call) or (
            isinstance(parent, cst.CompFor) and parent.iter is call)
        if method in ("map", "starmap") and not iterated:
            edit.replace_node(call, _wrap_list(new))
        else:
            edit.replace_node(call, new)
        return True
    if method in ("apply", "apply_async"):
        fn = _plain(get_arg(call, "func", 0))
        args = _plain(get_arg(call, "args", 1))
        kwds = _plain(get_arg(call, "kwds", 2))
        n = 1 + (args is not None) + (kwds is not None)
        if fn is None or len(call.args) != n or any(a.star for a in call.args):
            return False
        new = cst.Call(func=cst.Attribute(value=recv, attr=cst.Name("submit")),
                       args=_submit_args(fn, args, kwds))
        if method == "apply":
            edit.replace_node(call, cst.Call(func=cst.Attribute(value=new, attr=cst.Name("result"))))
            return True
        events = trace(model, call, scope)
        for e in events:
            if e.kind == "neutral":
                continue
            if e.kind == "attr" and e.called and e.attr in ("get", "ready"):
                assert isinstance(e.node, cst.Attribute)
                new_attr = "result" if e.attr == "get" else "done"
                edit.replace_node(e.node.attr, cst.Name(new_attr))
                continue
            return False
        edit.replace_node(call, new)
        return True
    if method in ("map_async", "starmap_async"):
        fn = _plain(get_arg(call, "func", 0))
        it = _plain(get_arg(call, "iterable", 1))
        cs = _plain(get_arg(call, "chunksize", 2))
        if fn is None or it is None or len(call.args) > 2 + (cs is not None) or any(a.star for a in call.args):
            return False
        new = cst.Call(func=cst.Attribute(value=recv, attr=cst.Name("map")),
                       args=_map_args(fn, it, cs, star=method == "starmap_async"))
        # Only the chained `.get()` shape: `p.map_async(f, xs).get()`.
        if not (isinstance(parent, cst.Attribute) and parent.attr.value == "get"):
            return False
        outer = model.parents.get(id(parent))
        if not (isinstance(outer, cst.Call) and outer.func is parent and not outer.args):
            return False
        edit.replace_node(outer, _wrap_list(new))
        return True
    return False


def _import_ok(model: ModuleModel) -> bool:
    bindings = model.module_scope.bindings.get("ProcessPoolExecutor", [])
    return all(b.kind == "import" and b.qualname in ("concurrent.futures.ProcessPoolExecutor",
                                                      "concurrent.futures.process.ProcessPoolExecutor")
               for b in bindings)

