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


def walk_tree(root: cst.CSTNode, prune: Optional[Callable[[cst.CSTNode], bool]] = None) -> Iterator[cst.CSTNode]:
    """Every node below `root` (and `root`), depth first, last child first; the children of a node
    for which `prune(node)` is true are not visited (the node itself is)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if prune is None or not prune(node):
            stack.extend(node.children)


def walk_frame(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Like `walk_tree`, without entering the bodies of nested defs, classes and lambdas (the
    nested def/class/lambda node itself is yielded): the code that runs in `root`'s frame."""
    return walk_tree(root, lambda node: node is not root and isinstance(node, _OTHER_FRAMES))


def names_within(node: cst.CSTNode) -> set[int]:
    """ids of every Name node inside `node`."""
    return {id(n) for n in walk_tree(node) if isinstance(n, cst.Name)}
