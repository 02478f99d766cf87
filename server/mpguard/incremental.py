"""Re-parse only the statements an edit touched.

libcst trees are immutable, so a new module can share every untouched statement with the
previous one: the text between the previous parse and the new text is diffed (common prefix and
suffix), the top-level statements the change overlaps are cut out of the new text, parsed on their
own, and spliced in. Inside a big top-level class or function the same is done one level down
(and further, through nested class/def bodies): only the edited statements of the innermost body
are parsed, inside synthetic ``if 1:`` lines that recreate their indentation (see
``_reparse_inside``). On a 1,000-line file this turns a 50 ms parse into a 1-5 ms one.

The result must be the tree a full parse of the new text would give, or nothing (the caller
then parses the whole text). A piece of text parsed on its own can differ from the same text
parsed in context in a few ways, each ruled out here:

* Lines between statements: libcst gives comment lines that are indented deeper than the next
  top-level statement to the *previous* statement's indented block (its footer), the rest to the
  next statement (its ``leading_lines``). An edit in leading lines therefore also re-parses the
  previous statement, and a re-parsed piece is extended over a following statement whose leading
  lines are indented. Comment lines at the start of the piece (libcst puts them in the piece's
  module header) are moved to where the full parse puts them; a piece that does not end with a
  statement line is not used.
* File-wide settings: the module's newline (the first one in the file), the encoding cookie
  (first two lines), and the default indentation (the first indented block of the file); blocks
  that use the default store ``indent=None``. Edits in the first two lines, files with ``\\r``,
  and edits that could change which block is the first indented one, fall back to a full parse.
* Anything the piece cannot parse alone (a new ``else:`` that continues the previous statement,
  a line that joins the next statement, an unbalanced bracket) raises and falls back.

The tests check the spliced tree against a full parse (``deep_equals``) over many random edits of
stdlib files.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState  # libcst's own codegen state (pinned <2)

_CHUNK = 4096

# Top-level classes/functions at least this big are re-parsed statement by statement inside
# their bodies (smaller ones cost less to re-parse whole than to locate the statement).
_INSIDE_MIN_CHARS = 2000
_DESCEND = (cst.ClassDef, cst.FunctionDef)

# Statement parts that can hold an indented block (expressions never do).
_BLOCK_HOLDERS = (
    cst.BaseSuite,
    cst.BaseCompoundStatement,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)


@dataclass(frozen=True)
class Layout:
    """Where each top-level statement of a parsed text starts (its leading lines included)."""

    starts: tuple[int, ...]
    first_indented: int  # index of the first top-level statement holding an indented block, or len(body)
    # how many statements the re-parse that produced this layout parsed (None: full parse)
    reparsed: Optional[int] = field(default=None, compare=False)


def layout_of(module: cst.Module) -> Layout:
    """Computed once per full parse (a codegen of the module, ~30 % of a parse)."""
    pos = sum(len(module.code_for_node(line)) for line in module.header)
    starts = []
    for stmt in module.body:
        starts.append(pos)
        pos += len(module.code_for_node(stmt))
    return Layout(tuple(starts), _first_indented(module.body))


def _has_indented_block(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.SimpleStatementLine):
        return False
    for child in node.children:
        if isinstance(child, cst.IndentedBlock):
            return True
        if isinstance(child, _BLOCK_HOLDERS) and _has_indented_block(child):
            return True
    return False


def _first_indented(body: Sequence[cst.BaseStatement], offset: int = 0) -> int:
    for index, stmt in enumerate(body):
        if _has_indented_block(stmt):
            return offset + index
    return offset + len(body)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo = 0
    # Whole chunks first (C-speed comparisons), then bisect inside the first differing chunk.
    while lo + _CHUNK <= n and a[lo:lo + _CHUNK] == b[lo:lo + _CHUNK]:
        lo += _CHUNK
    hi = min(n, lo + _CHUNK)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    la, lb = len(a), len(b)
    lo = 0
    while lo + _CHUNK <= limit and a[la - lo - _CHUNK:la - lo] == b[lb - lo - _CHUNK:lb - lo]:
        lo += _CHUNK
    hi = min(limit, lo + _CHUNK)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _indented_leading_line(stmt: cst.BaseStatement) -> bool:
    """Could a block that ends right before `stmt` claim some of its leading lines? (Only comment
    lines indented differently from `stmt`, and the blank lines before them.)"""
    return any(line.comment is not None and (line.whitespace.value or not line.indent)
               for line in stmt.leading_lines)


def _code_length(module: cst.Module, nodes: Sequence[cst.CSTNode]) -> int:
    return sum(len(module.code_for_node(node)) for node in nodes)


def _edited_statements(module: cst.Module, body: Sequence[cst.BaseStatement], starts: Sequence[int],
                       p: int, changed_end: int) -> Optional[tuple[int, int]]:
    """The first and last statement of `body` (starting at `starts`) to re-parse for a change of
    the old text [p, changed_end); None when the change begins before the first statement."""
    # From the statement holding the character before the change ...
    first = bisect_right(starts, p - 1) - 1
    if first < 0:
        return None
    stmt = body[first]
    if first > 0 and stmt.leading_lines and p - 1 < starts[first] + _code_length(module, stmt.leading_lines):
        first -= 1  # edited between statements: the previous block may claim those lines
    # ... to the statement holding the first unchanged character after it.
    last = max(first, bisect_right(starts, changed_end) - 1)
    while last + 1 < len(body) and _indented_leading_line(body[last + 1]):
        last += 1
    return first, last


def _ends_with_statement_line(piece_text: str) -> bool:
    """Trailing comment lines belong to the next statement or to a block's footer, and libcst's
    native parser can drop blank lines before an indented comment at the end of a text: a piece
    must end with its last statement's line."""
    last_line = piece_text[piece_text.rfind("\n", 0, len(piece_text) - 1) + 1:].strip()
    return piece_text.endswith("\n") and bool(last_line) and not last_line.startswith("#")


def _line_starts(text: str) -> list[int]:
    out = [0]
    find = text.find
    at = find("\n")
    while at != -1:
        out.append(at + 1)
        at = find("\n", at + 1)
    return out


def _statement_starts(block: cst.IndentedBlock, anodes: list[ast.stmt], lines: list[int],
                      base: int) -> Optional[list[int]]:
    """Where each statement of `block` starts (its leading lines included), from the line
    numbers CPython's parser gives the paired ``ast`` statements: every leading line of a libcst
    statement is one line right above it."""
    out = []
    k = 0
    for stmt in block.body:
        if k >= len(anodes):
            return None
        anode = anodes[k]
        decorators = getattr(anode, "decorator_list", None)
        first_line = decorators[0].lineno if decorators else anode.lineno
        index = first_line - 1 - len(stmt.leading_lines)
        if not 0 <= index < len(lines):
            return None
        out.append(base + lines[index])
        k += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    return out if k == len(anodes) else None


def _reparse_inside(module: cst.Module, top: cst.BaseStatement, old_text: str, start: int, end: int,
                    new_text: str, p: int, changed_end: int) -> Optional[tuple[cst.BaseStatement, int]]:
    """The new version of the top-level class/def `top` (old text [start, end)), re-parsing only
    the statements of its (nested) class/def bodies that the change [p, changed_end) touched, and
    how many statements were re-parsed; None when the change is not strictly inside a body.

    The statements are parsed inside synthetic ``if 1:`` lines that recreate their indentation;
    a statement list is only cut before a statement that stays (the last statement of a body
    can own lines after it in the body's footer)."""
    if not isinstance(top, _DESCEND) or end - start < _INSIDE_MIN_CHARS:
        return None
    region = old_text[start:end]
    try:
        tree = ast.parse(region)
    except Exception:  # noqa: BLE001
        return None
    if len(tree.body) != 1:
        return None
    lines = _line_starts(region)
    chain: list[tuple[cst.CSTNode, cst.IndentedBlock]] = []  # (class/def, its body) outermost first
    best: Optional[tuple[int, list[int], int, int]] = None  # (depth, starts, first, last)
    node: cst.CSTNode = top
    anode: ast.AST = tree.body[0]
    while isinstance(node, _DESCEND) and isinstance(node.body, cst.IndentedBlock) \
            and isinstance(anode, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        block = node.body
        starts = _statement_starts(block, anode.body, lines, start)
        if starts is None:
            break
        chain.append((node, block))
        edited = _edited_statements(module, block.body, starts, p, changed_end)
        if edited is None:
            break
        first, last = edited
        if last + 1 >= len(block.body):
            break
        best = (len(chain), starts, first, last)
        if first != last:
            break
        node = block.body[first]
        if isinstance(anode.body, list):
            # the ast statement paired with block.body[first]
            k = sum(len(s.body) if isinstance(s, cst.SimpleStatementLine) else 1 for s in block.body[:first])
            anode = anode.body[k]
    if best is None:
        return None
    depth, starts, first, last = best
    chain = chain[:depth]
    # The offsets came from ast line numbers: confirm them on the statements being replaced
    # (their code, indented like their body, must be exactly that slice of the old text).
    old_piece = old_text[starts[first]:starts[last + 1]]
    body_indent = "".join(module.default_indent if b.indent is None else b.indent for _, b in chain)
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.append(body_indent)
    for stmt in chain[-1][1].body[first:last + 1]:
        stmt._codegen(state)
    if "".join(state.tokens) != old_piece:
        return None
    shift = len(new_text) - len(old_text)
    piece_start, piece_end = starts[first], starts[last + 1] + shift
    if piece_end <= piece_start:
        return None
    piece_text = new_text[piece_start:piece_end]
    if not _ends_with_statement_line(piece_text):
        return None
    # Recreate the indentation: one `if 1:` per level, each indented like the real block.
    indents = [block.indent for _, block in chain]
    wrapper, prefix = [], ""
    for indent in indents:
        wrapper.append(prefix + "if 1:\n")
        prefix += module.default_indent if indent is None else indent
    try:
        parsed = cst.parse_module("".join(wrapper) + piece_text)
    except Exception:  # noqa: BLE001
        return None
    if parsed.default_indent != module.default_indent or parsed.footer or len(parsed.body) != 1:
        return None
    holder: cst.CSTNode = parsed.body[0]
    inner: Optional[cst.IndentedBlock] = None
    for level, indent in enumerate(indents):
        if not isinstance(holder, cst.If) or not isinstance(holder.body, cst.IndentedBlock) \
                or holder.body.indent != indent or holder.body.footer or holder.orelse is not None:
            return None
        inner = holder.body
        if level + 1 < len(indents):
            if len(inner.body) != 1:
                return None
            holder = inner.body[0]
    assert inner is not None
    new_stmts = tuple(inner.body)
    # Rebuild the chain from the innermost body outwards.
    node_, block_ = chain[-1]
    replacement: cst.CSTNode = node_.with_changes(
        body=block_.with_changes(body=(*block_.body[:first], *new_stmts, *block_.body[last + 1:]))
    )
    for outer_node, outer_block in reversed(chain[:-1]):
        index = next(i for i, s in enumerate(outer_block.body) if s is node_)
        replacement = outer_node.with_changes(
            body=outer_block.with_changes(body=(*outer_block.body[:index], replacement,
                                                *outer_block.body[index + 1:]))
        )
        node_ = outer_node
    return replacement, len(new_stmts)  # type: ignore[return-value]


def reparse(old_text: str, old_module: cst.Module, layout: Layout,
            new_text: str) -> Optional[tuple[cst.Module, Layout]]:
    """The module (and its layout) for `new_text`, re-parsing only what changed since
    `old_text`; None when that cannot be done safely (the caller parses the whole text)."""
    if new_text == old_text:
        return old_module, replace(layout, reparsed=0)
    body = old_module.body
    if not body or "\r" in new_text or old_module.default_newline != "\n":
        return None
    n_old, n_new = len(old_text), len(new_text)
    p = _common_prefix(old_text, new_text)
    s = _common_suffix(old_text, new_text, min(n_old, n_new) - p)
    changed_end = n_old - s  # old [p, changed_end) became new [p, n_new - s)
    second_newline = old_text.find("\n", old_text.find("\n") + 1)
    if second_newline < 0 or p <= second_newline:
        return None  # newline kind / encoding cookie / header: full parse
    starts = layout.starts
    edited = _edited_statements(old_module, body, starts, p, changed_end)
    if edited is None:
        return None  # in the module header
    first, last = edited
    at_end = last == len(body) - 1
    start = starts[first]
    old_end = n_old if at_end else starts[last + 1]
    if first == last:
        inside = _reparse_inside(old_module, body[first], old_text, start, old_end, new_text, p, changed_end)
        if inside is not None:
            shift = n_new - n_old
            new_starts = (*starts[:first + 1], *(offset + shift for offset in starts[first + 1:]))
            module = old_module.with_changes(body=(*body[:first], inside[0], *body[first + 1:]))
            return module, Layout(new_starts, layout.first_indented, inside[1])
    new_end = old_end + n_new - n_old
    if new_end < start:
        return None
    piece_text = new_text[start:new_end]
    try:
        piece = cst.parse_module(piece_text)
    except Exception:  # noqa: BLE001 - any failure means: parse the whole text
        return None
    if not piece.body:
        return None
    if not at_end and (not piece.has_trailing_newline or piece.footer or not _ends_with_statement_line(piece_text)):
        return None

    # The default indentation is the first indented block's: the piece's blocks store theirs
    # relative to the piece's own default, which must then be the module's.
    piece_first_indented = _first_indented(piece.body)
    if piece_first_indented < len(piece.body):
        if piece.default_indent != old_module.default_indent:
            return None
    elif first <= layout.first_indented <= last:
        return None  # the old first indented block is gone: the default may change

    if at_end and piece.footer and len(piece.code) != len(piece_text):
        return None  # the round-trip problem above, at the end of the file

    new_stmts = list(piece.body)
    header = old_module.header
    if first == 0:
        header = (*old_module.header, *piece.header)
    elif piece.header:
        new_stmts[0] = new_stmts[0].with_changes(leading_lines=(*piece.header, *new_stmts[0].leading_lines))
    footer, has_trailing_newline = old_module.footer, old_module.has_trailing_newline
    if at_end:
        footer, has_trailing_newline = piece.footer, piece.has_trailing_newline

    # Where the piece's statements start; only needs a codegen when there are several.
    piece_header_length = _code_length(piece, piece.header) if first == 0 and piece.header else 0
    new_starts = list(starts[:first])
    pos = start + piece_header_length
    new_starts.append(pos)
    if len(piece.body) > 1:
        pos += len(piece.code_for_node(new_stmts[0]))
        for node in piece.body[1:]:
            new_starts.append(pos)
            pos += len(piece.code_for_node(node))
    shift = n_new - n_old
    new_starts.extend(offset + shift for offset in starts[last + 1:])
    if layout.first_indented < first:
        first_indented = layout.first_indented
    elif piece_first_indented < len(piece.body):
        first_indented = first + piece_first_indented
    else:
        first_indented = layout.first_indented + len(piece.body) - (last + 1 - first)
    module = old_module.with_changes(
        header=header, body=(*body[:first], *new_stmts, *body[last + 1:]), footer=footer,
        has_trailing_newline=has_trailing_newline,
    )
    return module, Layout(tuple(new_starts), first_indented, len(piece.body))
