"""Fix helpers: insert a statement right before another one, add an import, swap a callee."""

from __future__ import annotations

from typing import Optional

import libcst as cst


class _InsertBefore(cst.CSTTransformer):
    def __init__(self, target: cst.BaseSmallStatement, new: cst.BaseSmallStatement) -> None:
        self.target = target
        self.new = new
        self.done = False

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if self.done or not any(s is self.target for s in original.body):
            return updated
        self.done = True
        index = next(i for i, s in enumerate(original.body) if s is self.target)
        if index > 0:  # `a = 1; pool.join()` -> `a = 1; pool.close(); pool.join()`
            body = list(updated.body)
            body.insert(index, self.new.with_changes(semicolon=cst.Semicolon(
                whitespace_after=cst.SimpleWhitespace(" "))))
            return updated.with_changes(body=body)
        line = cst.SimpleStatementLine(body=[self.new], leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([line, updated.with_changes(leading_lines=())])

    def leave_SimpleStatementSuite(self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite):
        if self.done or not any(s is self.target for s in original.body):
            return updated
        self.done = True
        index = next(i for i, s in enumerate(original.body) if s is self.target)
        body = list(updated.body)
        body.insert(index, self.new.with_changes(semicolon=cst.Semicolon(
            whitespace_after=cst.SimpleWhitespace(" "))))
        return updated.with_changes(body=body)


def insert_before(module: cst.Module, target: cst.BaseSmallStatement, code: str) -> Optional[cst.Module]:
    """Insert the small statement `code` right before `target` (same block, same indentation)."""
    new = cst.parse_statement(code)
    if not isinstance(new, cst.SimpleStatementLine) or len(new.body) != 1:
        return None
    t = _InsertBefore(target, new.body[0])
    out = module.visit(t)
    return out if t.done else None


def _is_import_stmt(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def add_import_from(module: cst.Module, package: str, name: str) -> cst.Module:
    """Add `from package import name` after the last leading import (or the docstring)."""
    body = list(module.body)
    insert_at = 0
    for i, stmt in enumerate(body):
        if _is_import_stmt(stmt):
            insert_at = i + 1
        elif i == 0 and _is_docstring(stmt):
            insert_at = 1
        else:
            break
    new = cst.parse_statement(f"from {package} import {name}\n")
    if insert_at < len(body) and insert_at > 0 and not _is_import_stmt(body[insert_at - 1]):
        # after a docstring: keep one blank line between them
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(insert_at, new)
    return module.with_changes(body=body)


class _ReplaceNode(cst.CSTTransformer):
    def __init__(self, target: cst.CSTNode, replacement: cst.CSTNode) -> None:
        self.target = target
        self.replacement = replacement
        self.done = False

    def on_leave(self, original, updated):
        if original is self.target:
            self.done = True
            return self.replacement
        return updated


def replace_node(module: cst.Module, target: cst.CSTNode, replacement: cst.CSTNode) -> Optional[cst.Module]:
    t = _ReplaceNode(target, replacement)
    out = module.visit(t)
    return out if t.done else None
