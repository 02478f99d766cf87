"""Turn "old text -> new text" into a short list of minimal, non-overlapping text edits.

Fixes are libcst transformations that produce a whole new module; editors want small edits so
that the cursor, folding and undo history outside the touched statements are left alone.
"""

from __future__ import annotations

import difflib
import re

from mpguard.findings import Position, Range, TextEdit


def _offset_to_position(line_starts: list[int], offset: int) -> Position:
    # line_starts[i] is the offset of line i+1; bisect by hand to keep this module import-light.
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return Position(lo + 1, offset - line_starts[lo])


def line_starts_of(text: str) -> list[int]:
    # Lines end at \n, \r\n or \r, as for Python's tokenizer and LSP (not splitlines' extras):
    # counting only \n put every edit of a \r-only file on line 1.
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def minimal_edits(old: str, new: str) -> list[TextEdit]:
    if old == new:
        return []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    starts = line_starts_of(old)
    # Offsets of each old line (plus one past the end) to map line indices to character offsets.
    old_line_offsets = [0]
    for line in old_lines:
        old_line_offsets.append(old_line_offsets[-1] + len(line))
    edits: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a_text = "".join(old_lines[i1:i2])
        b_text = "".join(new_lines[j1:j2])
        # Trim the common prefix and suffix inside the hunk so a one-word change is a one-word edit.
        prefix = 0
        limit = min(len(a_text), len(b_text))
        while prefix < limit and a_text[prefix] == b_text[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < limit - prefix
            and a_text[len(a_text) - 1 - suffix] == b_text[len(b_text) - 1 - suffix]
        ):
            suffix += 1
        start = old_line_offsets[i1] + prefix
        end = old_line_offsets[i1] + len(a_text) - suffix
        replacement = b_text[prefix : len(b_text) - suffix]
        edits.append(
            TextEdit(
                Range(_offset_to_position(starts, start), _offset_to_position(starts, end)),
                replacement,
            )
        )
    return edits


def apply_edits(text: str, edits: list[TextEdit] | tuple[TextEdit, ...]) -> str:
    """Apply non-overlapping edits (positions against ``text``); used by tests and the CLI."""
    starts = line_starts_of(text)

    def offset(pos: Position) -> int:
        if pos.line - 1 >= len(starts):
            return len(text)
        return min(starts[pos.line - 1] + pos.column, len(text))

    out = text
    for edit in sorted(edits, key=lambda e: (e.range.start, e.range.end), reverse=True):
        out = out[: offset(edit.range.start)] + edit.new_text + out[offset(edit.range.end) :]
    return out
