"""Walking libcst trees. Rules never walk ``.children`` themselves: they call these.

``semantic_fields`` skips whitespace and punctuation fields (the model builder's lean traversal);
``walk_tree`` and ``walk_frame`` yield every node below a root, depth first, and ``walk_frame``
does not enter nested function, class or lambda bodies (code that runs in another frame).
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator, Optional

import libcst as cst

_SKIP_FIELDS = {
    "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorator", "header",
    "footer", "trailing_whitespace", "colon", "equal", "dot", "star", "operator", "lbracket",
    "rbracket", "lbrace", "rbrace", "asynchronous", "indent", "first_line", "empty_lines",
    "last_line", "whitespace", "default_indent", "default_newline", "encoding",
}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _semantic_fields(tp: type) -> tuple[str, ...]:
    got = _FIELDS.get(tp)
    if got is None:
        got = tuple(
            f.name
            for f in dataclasses.fields(tp)
            if f.name not in _SKIP_FIELDS and "whitespace" not in f.name
        )
        _FIELDS[tp] = got
    return got


semantic_fields = _semantic_fields

def node_contains(outer: cst.CSTNode, inner: cst.CSTNode) -> bool:
    """Whether `inner` is `outer` or one of its descendants (semantic fields only)."""
    stack = [outer]
    while stack:
        node = stack.pop()
        if node is inner:
            return True
        for name in _semantic_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif type(value) in (list, tuple):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))
    return False


_OTHER_FRAMES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def walk_tree(root: cst.CSTNode, prune: Optional[Callable[[cst.CSTNode], bool]] = None,
              source_order: bool = False) -> Iterator[cst.CSTNode]:
    """Every node below `root` (and `root`), depth first; the children of a node for which
    `prune(node)` is true are not visited (the node itself is). Siblings come last first unless
    `source_order` (cheaper when the order does not matter)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if prune is None or not prune(node):
            stack.extend(reversed(node.children) if source_order else node.children)


def walk_frame(root: cst.CSTNode, source_order: bool = False) -> Iterator[cst.CSTNode]:
    """Like `walk_tree`, without entering the bodies of nested defs, classes and lambdas (the
    nested def/class/lambda node itself is yielded): the code that runs in `root`'s frame."""
    return walk_tree(root, lambda node: node is not root and isinstance(node, _OTHER_FRAMES), source_order)


HandlerLayer = tuple[cst.ExceptHandler, ...]  # the handlers of one enclosing `try`


def raises_and_calls_with_handlers(f) -> tuple[list[tuple[cst.Raise, tuple[HandlerLayer, ...]]],
                                                dict[int, tuple[HandlerLayer, ...]]]:
    """The raises of function `f` (a FunctionInfo) and its call nodes, each with the
    try-handlers around them (innermost last). A local walk of this one body (nested defs and
    classes are their own functions)."""
    raises: list[tuple[cst.Raise, tuple[HandlerLayer, ...]]] = []
    calls: dict[int, tuple[HandlerLayer, ...]] = {}

    def walk(node: cst.CSTNode, layers: tuple[HandlerLayer, ...]) -> None:
        if isinstance(node, _OTHER_FRAMES):
            return
        if isinstance(node, (cst.Try, cst.TryStar)):
            inner = layers + (tuple(node.handlers),)
            walk(node.body, inner)
            for h in node.handlers:
                walk(h, layers)
            for part in (node.orelse, node.finalbody):
                if part is not None:
                    walk(part, layers)
            return
        if isinstance(node, cst.Raise):
            raises.append((node, layers))
        if isinstance(node, cst.Call):
            calls[id(node)] = layers
        for child in node.children:
            walk(child, layers)

    walk(f.node.body, ())
    return raises, calls


def owning_loop(loop: cst.While, target: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The innermost loop around `target` inside `loop` (a `raise` counts for `loop` itself)."""
    if isinstance(target, cst.Raise):
        return loop
    found: list[Optional[cst.CSTNode]] = [None]

    def walk(node: cst.CSTNode, owner: cst.CSTNode) -> bool:
        if node is target:
            found[0] = owner
            return True
        inner = node if isinstance(node, (cst.For, cst.While)) and node is not loop else owner
        for child in node.children:
            if isinstance(node, (cst.For, cst.While)) and node is not loop and child is getattr(node, "orelse", None):
                if walk(child, owner):
                    return True
                continue
            if walk(child, inner):
                return True
        return False

    walk(loop, loop)
    return found[0]


def names_within(node: cst.CSTNode) -> set[int]:
    """ids of every Name node inside `node`."""
    return {id(n) for n in walk_tree(node) if isinstance(n, cst.Name)}
