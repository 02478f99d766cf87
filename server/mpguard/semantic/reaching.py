"""Which bindings of a name can reach a use: a name can have several at once.

``pool = Pool()`` in the ``if`` branch and ``pool = SingleProcessPool()`` in the ``else`` branch
both reach the ``pool.close()`` after the ``if``: the second binding comes later in the text but
does not replace the first on any path. A later binding replaces an earlier one for a use only
when every path to the use runs through it; this module approximates that with *conditional
blocks* (the body of an ``if``/``else``/``elif``, of a loop, of an ``except`` handler or
``try``-``else``, a ``match`` case, a branch of a conditional expression): a later binding
shadows the earlier one for a use when each conditional block around the binding also contains
the use. ``with`` bodies, ``try`` bodies and ``finally`` blocks run whenever the code before them
does, so they are not conditional.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.semantic.walk import semantic_fields

Path = tuple[int, ...]  # ids of the conditional blocks around a node, outermost first


def _conditional_children(node: cst.CSTNode) -> tuple[Optional[cst.CSTNode], ...]:
    if isinstance(node, cst.If):
        return (node.body, node.orelse)
    if isinstance(node, (cst.For, cst.While)):
        return (node.body, node.orelse)
    if isinstance(node, (cst.Try, cst.TryStar)):
        return (*node.handlers, node.orelse)
    if isinstance(node, cst.Match):
        return tuple(node.cases)
    if isinstance(node, cst.IfExp):
        return (node.body, node.orelse)
    if isinstance(node, cst.BooleanOperation):
        return (node.right,)
    return ()


def conditional_paths(root: cst.CSTNode) -> dict[int, Path]:
    """id(node) -> the conditional blocks around it, for every node below `root`."""
    paths: dict[int, Path] = {}
    stack: list[tuple[cst.CSTNode, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        paths[id(node)] = path
        conditional = {id(c) for c in _conditional_children(node) if c is not None}
        for name in semantic_fields(type(node)):
            value = getattr(node, name)
            children = value if type(value) in (list, tuple) else (value,)
            for child in children:
                if isinstance(child, cst.CSTNode):
                    stack.append((child, path + (id(child),) if id(child) in conditional else path))
    return paths


class Reaching:
    """Answers "does the later binding certainly replace the earlier one before this use?"."""

    def __init__(self) -> None:
        self._paths: dict[int, dict[int, Path]] = {}  # id(scope node) -> its conditional paths

    def shadows(self, later: cst.CSTNode, use: cst.CSTNode, scope_node: cst.CSTNode) -> bool:
        """Whether the binding statement `later` (textually before `use`, both in the body of
        `scope_node`) runs on every path that reaches `use` from before it: its conditional
        blocks all enclose `use` too."""
        paths = self._paths.get(id(scope_node))
        if paths is None:
            paths = self._paths[id(scope_node)] = conditional_paths(scope_node)
        binding_path = paths.get(id(later))
        use_path = paths.get(id(use))
        if binding_path is None or use_path is None:
            return True  # unknown node: the textual order decides, as before
        return use_path[:len(binding_path)] == binding_path
