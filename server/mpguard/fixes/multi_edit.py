"""Fix helper: several edits on one module in one transformer pass, addressed by node identity.

Nodes are those of the analysed module (``model.module``); ``replace`` maps ``id(original)`` to a
new node or to a callable ``updated -> new node`` (so edits nested inside a replaced node are kept),
``before``/``after`` insert whole statements around a statement, ``remove`` deletes statements.
A block left empty gets a ``pass``.
"""

from __future__ import annotations

from typing import Callable, Optional, Union

import libcst as cst

Replacement = Union[cst.CSTNode, Callable[[cst.CSTNode], cst.CSTNode]]


class MultiEdit(cst.CSTTransformer):
    def __init__(self) -> None:
        self.replace: dict[int, Replacement] = {}
        self.before: dict[int, list[cst.BaseStatement]] = {}
        self.after: dict[int, list[cst.BaseStatement]] = {}
        self.remove: set[int] = set()
        self.applied = 0

    def replace_node(self, node: cst.CSTNode, new: Replacement) -> None:
        self.replace[id(node)] = new

    def insert_before(self, stmt: cst.CSTNode, new: list[cst.BaseStatement]) -> None:
        self.before.setdefault(id(stmt), []).extend(new)

    def insert_after(self, stmt: cst.CSTNode, new: list[cst.BaseStatement]) -> None:
        self.after.setdefault(id(stmt), []).extend(new)

    def remove_stmt(self, stmt: cst.CSTNode) -> None:
        self.remove.add(id(stmt))

    def on_leave(self, original, updated):
        key = id(original)
        out = updated
        touched = False
        if key in self.replace:
            r = self.replace[key]
            out = r(updated) if callable(r) else r
            touched = True
        if key in self.remove:
            self.applied += 1
            before, after = self.before.get(key, []), self.after.get(key, [])
            if before or after:
                return cst.FlattenSentinel([*before, *after])
            return cst.RemoveFromParent()
        if key in self.before or key in self.after:
            touched = True
            out = cst.FlattenSentinel([*self.before.get(key, []), out, *self.after.get(key, [])])
        if touched:
            self.applied += 1
        if isinstance(out, cst.IndentedBlock) and not out.body:
            out = out.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return out

    def apply(self, module: cst.Module) -> Optional[cst.Module]:
        if not (self.replace or self.before or self.after or self.remove):
            return None
        new = module.visit(self)
        return new if self.applied else None


def statement_line_of(root: cst.CSTNode, small: cst.CSTNode) -> Optional[tuple[cst.CSTNode, list[cst.CSTNode]]]:
    """The SimpleStatementLine holding the small statement `small`, and its ancestors (outermost
    first), found by a walk of `root` only."""
    path: list[cst.CSTNode] = []

    def walk(node: cst.CSTNode) -> bool:
        if node is small:
            return True
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            if any(s is small for s in node.body):
                path.append(node)
                return True
            return False
        if isinstance(node, cst.BaseExpression):
            return False
        for child in node.children:
            if isinstance(child, (cst.BaseStatement, cst.BaseSuite, cst.BaseSmallStatement, cst.Else,
                                  cst.ExceptHandler, cst.Finally, cst.ExceptStarHandler,
                                  cst.MatchCase)):
                path.append(node)
                if walk(child):
                    return True
                path.pop()
        return False

    if not walk(root):
        return None
    line = path[-1]
    return line, path[:-1]


def statement_line_at(model, node: cst.CSTNode,
                      small: cst.CSTNode) -> Optional[tuple[cst.CSTNode, list[cst.CSTNode]]]:
    """`statement_line_of` searched only in the top-level statement that the model records as
    holding `node` (None when it records none)."""
    top = model.node_top.get(id(node))
    if top is None or top < 0:
        return None
    return statement_line_of(model.module.body[top], small)


def unique_name(model, base: str) -> str:
    """A name not bound or loaded anywhere in the module (nor a builtin or keyword)."""
    return model.facts.names.unique(base)
