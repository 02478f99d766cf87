"""Fix helper: add a `from package import name` at the top of the module (a top-level edit)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


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


@dataclass(frozen=True)
class AddImportFrom:
    """Top-level edit (:class:`~mpguard.fixes.multi_edit.TopLevelEdit`): `from package import
    name` after the last leading import (or the docstring)."""

    package: str
    name: str

    def apply(self, module: cst.Module) -> cst.Module:
        return add_import_from(module, self.package, self.name)
