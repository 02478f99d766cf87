"""The client's side of text synchronisation, written from the LSP specification alone.

Deliberately independent of ``mpguard.lsp.text_sync`` (no shared code): the fuzzer applies every
edit here too and compares the result with the server's text.

Semantics (as VS Code and the LSP spec): lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only; a
position's character counts code units of the negotiated encoding (utf-8 bytes, utf-16 units or
code points); a line past the end means the end of the text; a character past the end of its line
means the end of that line; a position inside a character (half a surrogate pair, a byte inside a
utf-8 sequence) means the end of that character; a reversed range covers the text between its ends.
"""

from __future__ import annotations

import re
from typing import Iterable

BREAKS = ("\r\n", "\r", "\n")


def units_of(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(ch.encode("utf-16-le", "surrogatepass")) // 2
    return 1


_BREAK = re.compile(r"\r\n?|\n")
_split_cache: list = [None, None]  # (text, lines) of the last text split: one split per edit


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end-before-break) offsets of every line."""
    if _split_cache[0] is text:
        return _split_cache[1]
    out = []
    start = 0
    for m in _BREAK.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    _split_cache[0], _split_cache[1] = text, out
    return out


def offset_of(text: str, line: int, character: int, encoding: str,
              lines: "list[tuple[int, int]] | None" = None) -> int:
    lines = split_lines(text) if lines is None else lines
    if line >= len(lines):
        return len(text)
    start, end = lines[max(line, 0)]
    units = 0
    i = start
    while i < end and units < character:
        units += units_of(text[i], encoding)
        i += 1
    return i


def apply_change(text: str, change: dict, encoding: str) -> str:
    """Apply one didChange content change ({"text"} or {"range", "text"}, plain dicts)."""
    if "range" not in change or change["range"] is None:
        return change["text"]
    lines = split_lines(text)
    s = change["range"]["start"]
    e = change["range"]["end"]
    a = offset_of(text, s["line"], s["character"], encoding, lines)
    b = offset_of(text, e["line"], e["character"], encoding, lines)
    if b < a:
        a, b = b, a
    return text[:a] + change["text"] + text[b:]


def apply_changes(text: str, changes: Iterable[dict], encoding: str) -> str:
    for change in changes:
        text = apply_change(text, change, encoding)
    return text


_lengths_cache: list = [None, None, None]  # (text, encoding, lengths) of the last call


def line_lengths(text: str, encoding: str) -> list[int]:
    """Each line's length in code units (without its break): where ranges may end."""
    if _lengths_cache[0] is text and _lengths_cache[1] == encoding:
        return _lengths_cache[2]
    lines = split_lines(text)
    if encoding == "utf-32" or text.isascii():
        out = [b - a for a, b in lines]
    elif encoding == "utf-16":
        out = [len(text[a:b].encode("utf-16-le", "surrogatepass")) // 2 for a, b in lines]
    else:
        out = [len(text[a:b].encode("utf-8", "surrogatepass")) for a, b in lines]
    _lengths_cache[:] = [text, encoding, out]
    return out


def apply_text_edits(text: str, edits: Iterable[dict], encoding: str) -> str:
    """Apply a WorkspaceEdit's TextEdits (non-overlapping, positions against `text`)."""
    lines = split_lines(text)
    spans = []
    for order, e in enumerate(edits):
        r = e["range"]
        a = offset_of(text, r["start"]["line"], r["start"]["character"], encoding, lines)
        b = offset_of(text, r["end"]["line"], r["end"]["character"], encoding, lines)
        spans.append((a, b, order, e["newText"]))
    # From the end backwards; edits at one position land in their order in the array.
    for a, b, _order, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text
