"""Positions for the few nodes that are reported, without libcst's whole-module PositionProvider.

PositionProvider regenerates the code of the whole module and records a range for every node,
which costs about twice the parse. We only need ranges for reported nodes, so we regenerate just
the top-level statement that holds them (with libcst's own position-recording codegen state) and
shift the result by that statement's first line, which CPython's C parser gives us cheaply.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst
from libcst.metadata.position_provider import PositionProvidingCodegenState

from mpguard.findings import Position, Range


class _Recorder:
    """Stands in for the metadata provider: libcst's codegen state writes into `_computed`."""

    def __init__(self) -> None:
        self._computed: dict = {}


def _ast_first_lines(text: str) -> Optional[list[int]]:
    """First line of each top-level statement, grouped like libcst's module body."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return [stmt.lineno for stmt in tree.body]


class PositionIndex:
    def __init__(self, module: cst.Module, text: str) -> None:
        self._module = module
        self._text = text
        self._per_statement: dict[int, dict] = {}
        self._line_shift: Optional[list[int]] = None
        self._whole: Optional[dict] = None

    def _shifts(self) -> Optional[list[int]]:
        if self._line_shift is not None:
            return self._line_shift
        firsts = _ast_first_lines(self._text)
        if firsts is None:
            return None
        # Map libcst statements to ast statements: a simple statement line holds one ast
        # statement per small statement ("a = 1; b = 2").
        starts: list[int] = []
        k = 0
        for stmt in self._module.body:
            if k >= len(firsts):
                return None
            starts.append(firsts[k])
            k += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        if k != len(firsts):
            return None
        self._line_shift = starts
        return starts

    def _record(self, index: int) -> dict:
        got = self._per_statement.get(index)
        if got is None:
            recorder = _Recorder()
            state = PositionProvidingCodegenState(
                default_indent=self._module.default_indent,
                default_newline=self._module.default_newline,
                provider=recorder,  # type: ignore[arg-type]
            )
            self._module.body[index]._codegen(state)
            got = recorder._computed
            self._per_statement[index] = got
        return got

    def _whole_module(self) -> dict:
        if self._whole is None:
            recorder = _Recorder()
            state = PositionProvidingCodegenState(
                default_indent=self._module.default_indent,
                default_newline=self._module.default_newline,
                provider=recorder,  # type: ignore[arg-type]
            )
            self._module._codegen(state)
            self._whole = recorder._computed
        return self._whole

    def range_of(self, node: cst.CSTNode, top_index: Optional[int]) -> Range:
        shifts = self._shifts() if top_index is not None else None
        if shifts is not None and top_index is not None:
            computed = self._record(top_index)
            code_range = computed.get(node)
            stmt_range = computed.get(self._module.body[top_index])
            if code_range is not None and stmt_range is not None:
                stmt_node = self._module.body[top_index]
                # ast gives the `def`/`class` line for decorated statements; so does libcst's
                # syntactic position of the statement node.
                delta = shifts[top_index] - stmt_range.start.line
                if isinstance(stmt_node, (cst.FunctionDef, cst.ClassDef)) and stmt_node.decorators:
                    delta = shifts[top_index] - _def_keyword_line(computed, stmt_node)
                return Range(
                    Position(code_range.start.line + delta, code_range.start.column),
                    Position(code_range.end.line + delta, code_range.end.column),
                )
        code_range = self._whole_module().get(node)
        if code_range is None:
            return Range.of(1, 0, 1, 0)
        return Range(
            Position(code_range.start.line, code_range.start.column),
            Position(code_range.end.line, code_range.end.column),
        )


def _def_keyword_line(computed: dict, node: cst.CSTNode) -> int:
    # The name's line is the `def`/`class` keyword's line (they cannot be split across lines
    # without a backslash, which libcst keeps inside whitespace).
    name_range = computed.get(node.name)  # type: ignore[attr-defined]
    if name_range is not None:
        return name_range.start.line
    return computed[node].start.line
