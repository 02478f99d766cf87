"""The fix engine: a fix's declared edits, applied to the analysed module in one transformer pass.

Nodes are those of the analysed module (``model.module``), addressed by identity: ``replace`` maps
``id(original)`` to a new node or to a callable ``updated -> new node`` (so edits nested inside a
replaced node are kept), ``before``/``after`` insert whole statements around a statement,
``remove`` deletes statements (``move_out`` too, tidying the block it leaves). A block left empty
gets a ``pass``. Edits of the module's top level (hoisting a definition, adding an import,
wrapping the tail in a ``__main__`` guard) are :class:`TopLevelEdit` records, applied in order
after the node edits, at indices of the analysed module's body.
"""

from __future__ import annotations

from typing import Callable, Optional, Protocol, Union

import libcst as cst

Replacement = Union[cst.CSTNode, Callable[[cst.CSTNode], cst.CSTNode]]


class ModuleEdit(Protocol):
    """What a fix's edits are: applied to the analysed module, the new module (None: the fix
    does not apply any more)."""

    def apply(self, module: cst.Module) -> Optional[cst.Module]: ...


class TopLevelEdit(Protocol):
    """An edit of the module's top-level statement list (indices of the analysed module's body):
    the edited module, or None when it does not apply."""

    def apply(self, module: cst.Module) -> Optional[cst.Module]: ...


class MultiEdit(cst.CSTTransformer):
    """Composable edits: each method records one edit and returns the MultiEdit, so a fix reads
    ``MultiEdit().insert_small_before(join, "pool.close()")``."""

    def __init__(self) -> None:
        self.replace: dict[int, Replacement] = {}
        self.before: dict[int, list[cst.BaseStatement]] = {}
        self.after: dict[int, list[cst.BaseStatement]] = {}
        self.remove: set[int] = set()
        self.small_before: dict[int, cst.BaseSmallStatement] = {}
        self.moved_out: set[int] = set()
        self.top_level: list[TopLevelEdit] = []
        self.applied = 0
        self.failed = False  # a top-level edit did not apply

    def replace_node(self, node: cst.CSTNode, new: Replacement) -> "MultiEdit":
        self.replace[id(node)] = new
        return self

    def insert_before(self, stmt: cst.CSTNode, new: list[cst.BaseStatement]) -> "MultiEdit":
        self.before.setdefault(id(stmt), []).extend(new)
        return self

    def insert_after(self, stmt: cst.CSTNode, new: list[cst.BaseStatement]) -> "MultiEdit":
        self.after.setdefault(id(stmt), []).extend(new)
        return self

    def remove_stmt(self, stmt: cst.CSTNode) -> "MultiEdit":
        self.remove.add(id(stmt))
        return self

    def move_out(self, stmt: cst.CSTNode) -> "MultiEdit":
        """Remove `stmt` because its code moves elsewhere; when it headed its block, the block's
        new first statement loses the blank lines above it."""
        self.moved_out.add(id(stmt))
        return self.remove_stmt(stmt)

    def at_top_level(self, edit: TopLevelEdit) -> "MultiEdit":
        self.top_level.append(edit)
        return self

    def insert_small_before(self, target: cst.BaseSmallStatement, code: str) -> "MultiEdit":
        """Insert the one small statement `code` right before the small statement `target`: on
        its own line with the same indentation, or `a; new; target` inside a `;` line. Nothing
        is recorded when `code` is not exactly one small statement (the fix then does not apply)."""
        new = cst.parse_statement(code)
        if isinstance(new, cst.SimpleStatementLine) and len(new.body) == 1:
            self.small_before[id(target)] = new.body[0]
        return self

    def _insert_small(self, original: cst.CSTNode, updated: cst.CSTNode) -> Optional[cst.CSTNode]:
        """`updated` with the pending small statement inserted, None when none is pending here."""
        if not isinstance(original, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return None
        index = next((i for i, s in enumerate(original.body) if id(s) in self.small_before), None)
        if index is None:
            return None
        new = self.small_before[id(original.body[index])]
        self.applied += 1
        if index > 0 or isinstance(original, cst.SimpleStatementSuite):
            # `a = 1; pool.join()` -> `a = 1; pool.close(); pool.join()`
            body = list(updated.body)  # type: ignore[attr-defined]
            body.insert(index, new.with_changes(semicolon=cst.Semicolon(
                whitespace_after=cst.SimpleWhitespace(" "))))
            return updated.with_changes(body=body)
        line = cst.SimpleStatementLine(body=[new], leading_lines=updated.leading_lines)  # type: ignore[attr-defined]
        return cst.FlattenSentinel([line, updated.with_changes(leading_lines=())])

    def on_leave(self, original, updated):
        if self.small_before:
            inserted = self._insert_small(original, updated)
            if inserted is not None:
                return inserted
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
        if isinstance(out, cst.IndentedBlock):
            if not out.body:
                out = out.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
            elif isinstance(original, cst.IndentedBlock) and original.body \
                    and id(original.body[0]) in self.moved_out:
                head = out.body[0]
                lines = list(getattr(head, "leading_lines", ()))
                while lines and lines[0].comment is None:
                    lines.pop(0)
                out = out.with_changes(body=[head.with_changes(leading_lines=lines), *out.body[1:]])
        if isinstance(original, cst.Module) and self.top_level:
            return self._edit_top_level(original, out)
        return out

    def _edit_top_level(self, original: cst.Module, module: cst.Module) -> cst.Module:
        # The indices are the analysed module's: node edits must keep its top-level statements.
        if len(module.body) != len(original.body):
            self.failed = True
            return module
        for edit in self.top_level:
            new = edit.apply(module)
            if new is None:
                self.failed = True
                return module
            module = new
            self.applied += 1
        return module

    def apply(self, module: cst.Module) -> Optional[cst.Module]:
        """The edited module (None when no edit found its node). Can be applied again."""
        node_edits = bool(self.replace or self.before or self.after or self.remove or self.small_before)
        if not (node_edits or self.top_level):
            return None
        self.applied = 0
        self.failed = False
        new = module.visit(self)
        if self.failed or self.applied == 0 or (node_edits and self.applied == len(self.top_level)):
            return None  # a node edit found no node, or a top-level edit did not apply
        return new


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
