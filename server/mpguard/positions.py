"""Positions for the few nodes that are reported, without libcst's whole-module PositionProvider.

PositionProvider regenerates the code of the whole module and records a range for every node,
which costs about twice the parse. We only need ranges for reported nodes, so we regenerate as
little as possible, with libcst's own position-recording codegen state, and shift the result by
the first line of what we regenerated, which CPython's C parser (``ast``) gives us cheaply:

1. the innermost *statement line* (a ``SimpleStatementLine`` or a compound statement) that holds
   the node, when the model tells us which small statement holds it (``stmt`` hint): libcst and
   ``ast`` statements are paired once per top-level statement (a walk over statement lists only),
   and the enclosing indentation is pushed into the codegen state so columns come out absolute;
2. otherwise the top-level statement that holds it (cached per statement);
3. for a node the model never marked (a literal argument, a keyword...), the top-level statements
   whose source text contains the node's code are tried first, then the others, so the whole
   module is regenerated only in the worst case.

Every answer is checked (the regenerated piece must contain the node); a failed check falls
through to the next, coarser step, so the result is always the whole-module answer.
"""

from __future__ import annotations

import ast
from typing import Optional, Sequence

import libcst as cst
from libcst.metadata.position_provider import PositionProvidingCodegenState

from mpguard.findings import Position, Range

# Regenerating a top-level statement is cheap when it is small; only descend into nested
# statements for big ones (a 3,000-line test class costs ~0.5 s to regenerate).
_DESCEND_MIN_LINES = 40


class _Recorder:
    """Stands in for the metadata provider: libcst's codegen state writes into `_computed`."""

    def __init__(self) -> None:
        self._computed: dict = {}


def _ast_top(text: str) -> Optional[list[ast.stmt]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree.body


def _blocks(node: cst.CSTNode, anode: ast.AST) -> Optional[list[tuple[cst.CSTNode, list]]]:
    """Pairs (libcst indented block or a single elif statement, ast statement list) of a
    compound statement, in the same order; None when the shapes do not match."""
    out: list[tuple[cst.CSTNode, list]] = []
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.With)):
        if not isinstance(anode, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With,
                                  ast.AsyncWith)):
            return None
        out.append((node.body, anode.body))
    elif isinstance(node, cst.If):
        if not isinstance(anode, ast.If):
            return None
        out.append((node.body, anode.body))
        if isinstance(node.orelse, cst.If):
            out.append((node.orelse, anode.orelse))  # elif: a one-statement list on the ast side
        elif isinstance(node.orelse, cst.Else):
            out.append((node.orelse.body, anode.orelse))
    elif isinstance(node, (cst.For, cst.While)):
        if not isinstance(anode, (ast.For, ast.AsyncFor, ast.While)):
            return None
        out.append((node.body, anode.body))
        if node.orelse is not None:
            out.append((node.orelse.body, anode.orelse))
    elif isinstance(node, (cst.Try, cst.TryStar)):
        if not isinstance(anode, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return None
        out.append((node.body, anode.body))
        if len(node.handlers) != len(anode.handlers):
            return None
        for h, ah in zip(node.handlers, anode.handlers):
            out.append((h.body, ah.body))
        if node.orelse is not None:
            out.append((node.orelse.body, anode.orelse))
        if node.finalbody is not None:
            out.append((node.finalbody.body, anode.finalbody))
    elif isinstance(node, cst.Match):
        if not isinstance(anode, getattr(ast, "Match", ())):
            return None
        if len(node.cases) != len(anode.cases):
            return None
        for c, ac in zip(node.cases, anode.cases):
            out.append((c.body, ac.body))
    else:
        return None
    return out


class PositionIndex:
    def __init__(self, module: cst.Module, text: str, starts: Optional[Sequence[int]] = None) -> None:
        self._module = module
        self._text = text
        # Offsets where each top-level statement (its leading lines included) starts, when an
        # incremental re-parse knows them: then no `ast` of the whole text is needed (see _shifts).
        self._starts = starts
        self._per_statement: dict[int, dict] = {}
        self._ast_body: Optional[list[ast.stmt]] = None
        self._ast_done = False
        self._line_shift: Optional[list[int]] = None
        self._whole: Optional[dict] = None
        self._lines: Optional[list[str]] = None
        # per top-level index: id(small statement or statement line) -> (line node, ast stmt)
        self._paired: dict[int, Optional[dict[int, tuple[cst.CSTNode, ast.stmt]]]] = {}
        self._inner: dict[int, dict] = {}  # id(statement line) -> its computed positions

    # ---- ast pairing ---------------------------------------------------------------------

    def _ast(self) -> Optional[list[ast.stmt]]:
        if not self._ast_done:
            self._ast_done = True
            self._ast_body = _ast_top(self._text)
        return self._ast_body

    def _region_lines(self) -> list[int]:
        """1-based line on which each top-level statement's text (leading lines included) starts."""
        assert self._starts is not None
        out, line, previous = [], 1, 0
        for offset in self._starts:
            line += self._text.count("\n", previous, offset)
            out.append(line)
            previous = offset
        return out

    def _shifts_from_starts(self) -> list[int]:
        # ast's line of a statement: after its leading lines, and for a decorated def/class the
        # `def`/`class` line (after the decorators and the lines between them).
        out = []
        for stmt, line in zip(self._module.body, self._region_lines()):
            line += len(stmt.leading_lines)
            decorators = getattr(stmt, "decorators", ())
            if decorators:
                line += sum(self._module.code_for_node(d).count("\n") for d in decorators)
                line += len(stmt.lines_after_decorators)  # type: ignore[attr-defined]
            out.append(line)
        return out

    def _shifts(self) -> Optional[list[int]]:
        if self._line_shift is not None:
            return self._line_shift
        if self._starts is not None and len(self._starts) == len(self._module.body):
            self._line_shift = self._shifts_from_starts()
            return self._line_shift
        body = self._ast()
        if body is None:
            return None
        # Map libcst statements to ast statements: a simple statement line holds one ast
        # statement per small statement ("a = 1; b = 2").
        starts: list[int] = []
        k = 0
        for stmt in self._module.body:
            if k >= len(body):
                return None
            starts.append(body[k].lineno)
            k += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        if k != len(body):
            return None
        self._line_shift = starts
        return starts

    def _ast_of_top(self, index: int) -> Optional[ast.stmt]:
        if self._starts is not None and len(self._starts) == len(self._module.body):
            # Parse just this statement, on its own lines (blank lines keep ast's numbers absolute).
            starts = self._starts
            end = starts[index + 1] if index + 1 < len(starts) else len(self._text)
            first_line = self._text.count("\n", 0, starts[index])
            region = _ast_top("\n" * first_line + self._text[starts[index]:end])
            return region[0] if region and len(region) == 1 else None
        body = self._ast()
        if body is None or self._shifts() is None:
            return None
        k = 0
        for stmt in self._module.body[:index]:
            k += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        return body[k]

    def _pairs(self, index: int) -> Optional[dict[int, tuple[cst.CSTNode, ast.stmt]]]:
        if index in self._paired:
            return self._paired[index]
        top = self._module.body[index]
        atop = self._ast_of_top(index)
        out: Optional[dict[int, tuple[cst.CSTNode, ast.stmt]]] = {}
        if atop is None or isinstance(top, cst.SimpleStatementLine):
            out = None
        else:
            try:
                self._pair_compound(top, atop, out, None)  # type: ignore[arg-type]
            except _Mismatch:
                out = None
        self._paired[index] = out
        return out

    def _pair_compound(self, node: cst.CSTNode, anode: ast.stmt, out: dict,
                       owner: Optional[tuple[cst.CSTNode, ast.stmt]]) -> None:
        blocks = _blocks(node, anode)
        if blocks is None:
            raise _Mismatch
        for block, astmts in blocks:
            if isinstance(block, cst.If):  # elif
                if len(astmts) != 1:
                    raise _Mismatch
                # An `elif` renders as `if` on its own: its header stays with the outer `if`
                # (None at top level: the top-level statement is regenerated instead).
                if owner is not None:
                    out[id(block)] = owner
                self._pair_compound(block, astmts[0], out, owner)
                continue
            if not isinstance(block, cst.IndentedBlock):
                continue  # a one-line suite (`if x: y`) stays with its header
            k = 0
            for stmt in block.body:
                if k >= len(astmts):
                    raise _Mismatch
                if isinstance(stmt, cst.SimpleStatementLine):
                    out[id(stmt)] = (stmt, astmts[k])
                    for small in stmt.body:
                        out[id(small)] = (stmt, astmts[k])
                    k += len(stmt.body)
                else:
                    out[id(stmt)] = (stmt, astmts[k])
                    self._pair_compound(stmt, astmts[k], out, (stmt, astmts[k]))
                    k += 1
            if k != len(astmts):
                raise _Mismatch

    # ---- codegen -------------------------------------------------------------------------

    def _codegen(self, node: cst.CSTNode, indent: str = "") -> dict:
        recorder = _Recorder()
        state = PositionProvidingCodegenState(
            default_indent=self._module.default_indent,
            default_newline=self._module.default_newline,
            provider=recorder,  # type: ignore[arg-type]
        )
        if indent:
            state.indent_tokens.append(indent)
        node._codegen(state)
        return recorder._computed

    def _record(self, index: int) -> dict:
        got = self._per_statement.get(index)
        if got is None:
            got = self._codegen(self._module.body[index])
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

    def _text_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self._text.splitlines(keepends=True)
        return self._lines

    # ---- lookups -------------------------------------------------------------------------

    def _from_inner(self, node: cst.CSTNode, top_index: int, stmt: Optional[cst.CSTNode]) -> Optional[Range]:
        shifts = self._shifts()
        if shifts is None:
            return None
        # Small top-level statements are cheap to regenerate whole (and cached).
        nxt = shifts[top_index + 1] if top_index + 1 < len(shifts) else len(self._text_lines()) + 1
        if nxt - shifts[top_index] < _DESCEND_MIN_LINES:
            return None
        pairs = self._pairs(top_index)
        if not pairs:
            return None
        target = stmt if stmt is not None else node
        got = pairs.get(id(target))
        if got is None:
            return None
        line_node, astmt = got
        computed = self._inner.get(id(line_node))
        if computed is None:
            lines = self._text_lines()
            if not 1 <= astmt.lineno <= len(lines):
                return None
            src = lines[astmt.lineno - 1]
            indent = src[: len(src) - len(src.lstrip(" \t\f"))]
            computed = self._codegen(line_node, indent)
            self._inner[id(line_node)] = computed
        code_range = computed.get(node)
        stmt_range = computed.get(line_node)
        if code_range is None or stmt_range is None:
            return None
        if isinstance(line_node, (cst.FunctionDef, cst.ClassDef)) and line_node.decorators:
            delta = astmt.lineno - _def_keyword_line(computed, line_node)
        else:
            delta = astmt.lineno - stmt_range.start.line
        return Range(
            Position(code_range.start.line + delta, code_range.start.column),
            Position(code_range.end.line + delta, code_range.end.column),
        )

    def _from_top(self, node: cst.CSTNode, index: int) -> Optional[Range]:
        shifts = self._shifts()
        if shifts is None:
            return None
        computed = self._record(index)
        code_range = computed.get(node)
        stmt_node = self._module.body[index]
        stmt_range = computed.get(stmt_node)
        if code_range is None or stmt_range is None:
            return None
        # ast gives the `def`/`class` line for decorated statements; so does libcst's
        # syntactic position of the statement node.
        delta = shifts[index] - stmt_range.start.line
        if isinstance(stmt_node, (cst.FunctionDef, cst.ClassDef)) and stmt_node.decorators:
            delta = shifts[index] - _def_keyword_line(computed, stmt_node)
        return Range(
            Position(code_range.start.line + delta, code_range.start.column),
            Position(code_range.end.line + delta, code_range.end.column),
        )

    def _first_line_of(self, node: cst.CSTNode) -> str:
        try:
            snippet = self._module.code_for_node(node).strip()
        except Exception:  # noqa: BLE001 - a node libcst cannot render alone
            snippet = ""
        return snippet.splitlines()[0].strip() if snippet else ""

    def _from_inner_search(self, node: cst.CSTNode, index: int, first: str) -> Optional[Range]:
        """Inside a big top-level statement, try the simple statement lines whose text holds
        the node's first line (each regenerated alone, cheaply); None if none holds it."""
        if not first:
            return None
        shifts = self._shifts()
        if shifts is None:
            return None
        nxt = shifts[index + 1] if index + 1 < len(shifts) else len(self._text_lines()) + 1
        if nxt - shifts[index] < _DESCEND_MIN_LINES:
            return None
        pairs = self._pairs(index)
        if not pairs:
            return None
        lines = self._text_lines()
        tried: set[int] = set()
        for line_node, astmt in pairs.values():
            if id(line_node) in tried or not isinstance(line_node, cst.SimpleStatementLine):
                continue
            tried.add(id(line_node))
            end = getattr(astmt, "end_lineno", None) or astmt.lineno
            if first not in "".join(lines[astmt.lineno - 1: end]):
                continue
            got = self._from_inner(node, index, line_node)
            if got is not None:
                return got
        return None

    def _candidates(self, node: cst.CSTNode, first: str) -> list[int]:
        """Top-level statements ordered so that those whose text contains the node come first."""
        n = len(self._module.body)
        shifts = self._shifts()
        if shifts is None:
            return []
        if not first:
            return list(range(n))
        lines = self._text_lines()
        hits: list[int] = []
        rest: list[int] = []
        for i in range(n):
            # From the end of the previous statement's first line (decorators, comments) to the
            # next statement's first line: a superset of the statement's text.
            lo = shifts[i - 1] if i > 0 else 1
            hi = shifts[i + 1] if i + 1 < n else len(lines) + 1
            chunk = "".join(lines[lo - 1: hi - 1])
            (hits if first in chunk else rest).append(i)
        return hits + rest

    def range_of(self, node: cst.CSTNode, top_index: Optional[int],
                 stmt: Optional[cst.CSTNode] = None) -> Range:
        if top_index is not None and top_index >= 0:
            got = self._from_inner(node, top_index, stmt)
            if got is None:
                got = self._from_top(node, top_index)
            if got is not None:
                return got
        elif self._whole is None:
            # A node the model did not mark: find its statement by its text.
            first = self._first_line_of(node)
            for index in self._candidates(node, first):
                got = self._from_inner_search(node, index, first) or self._from_top(node, index)
                if got is not None:
                    return got
        code_range = self._whole_module().get(node)
        if code_range is None:
            return Range.of(1, 0, 1, 0)
        return Range(
            Position(code_range.start.line, code_range.start.column),
            Position(code_range.end.line, code_range.end.column),
        )


class _Mismatch(Exception):
    pass


def _def_keyword_line(computed: dict, node: cst.CSTNode) -> int:
    # The name's line is the `def`/`class` keyword's line (they cannot be split across lines
    # without a backslash, which libcst keeps inside whitespace).
    name_range = computed.get(node.name)  # type: ignore[attr-defined]
    if name_range is not None:
        return name_range.start.line
    return computed[node].start.line
