"""Engine <-> LSP conversions: positions, ranges, diagnostics, edits, and moving diagnostics
through incremental edits while the buffer does not parse.

The engine counts 1-based lines and 0-based columns in code points; LSP counts 0-based lines and
columns in the negotiated position encoding (utf-16 unless the client offered utf-8/utf-32).
Columns are converted with pygls's position codec unit counters against the document's own lines,
so non-ASCII lines (emoji, CJK) land on the right characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from lsprotocol import types as lsp

from mpguard.catalogue import docs_url
from mpguard.findings import Finding, Position, Range, Severity, TextEdit

SOURCE = "mpguard"

# LSP line terminators (the spec: \n, \r\n and \r). Python's str.splitlines also splits on form
# feeds and other separators that editors do not treat as line breaks, so we do not use it.
_EOL = re.compile(r"\r\n|\r|\n")

SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


class LineIndex:
    """Lines of one text snapshot with conversions between engine and client positions."""

    def __init__(self, text: str, codec: Any) -> None:
        self.text = text
        self.codec = codec  # pygls PositionCodec (client_num_units / impl.code_units_for_char)
        self.lines: list[str] = []
        self.starts: list[int] = []
        pos = 0
        for m in _EOL.finditer(text):
            self.lines.append(text[pos : m.start()])
            self.starts.append(pos)
            pos = m.end()
        self.lines.append(text[pos:])
        self.starts.append(pos)

    def units(self, s: str) -> int:
        return self.codec.client_num_units(s)

    # engine (1-based line, code-point column) -> LSP position
    def to_client(self, line: int, column: int) -> lsp.Position:
        idx = line - 1
        if idx < 0:
            return lsp.Position(line=0, character=0)
        if idx >= len(self.lines):
            last = len(self.lines) - 1
            return lsp.Position(line=last, character=self.units(self.lines[last]))
        text = self.lines[idx]
        column = max(0, min(column, len(text)))
        return lsp.Position(line=idx, character=self.units(text[:column]))

    def range_to_client(self, rng: Range) -> lsp.Range:
        start = self.to_client(rng.start.line, rng.start.column)
        end = self.to_client(rng.end.line, rng.end.column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return lsp.Range(start=start, end=end)

    # LSP position -> engine (1-based line, code-point column), clamped into the document
    def from_client(self, pos: lsp.Position) -> Position:
        line = max(0, pos.line)
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return Position(last + 1, len(self.lines[last]))
        text = self.lines[line]
        want = max(0, pos.character)
        units = 0
        col = 0
        impl = self.codec.impl
        for ch in text:
            if units >= want:
                break
            units += impl.code_units_for_char(ch)
            col += 1
        return Position(line + 1, col)

    def range_from_client(self, rng: lsp.Range) -> Range:
        start = self.from_client(rng.start)
        end = self.from_client(rng.end)
        if end < start:
            end = start
        return Range(start, end)

    def offset(self, pos: Position) -> int:
        idx = pos.line - 1
        if idx >= len(self.lines):
            return len(self.text)
        if idx < 0:
            return 0
        return self.starts[idx] + min(max(pos.column, 0), len(self.lines[idx]))


def text_edit_to_client(edit: TextEdit, index: LineIndex) -> lsp.TextEdit:
    return lsp.TextEdit(range=index.range_to_client(edit.range), new_text=edit.new_text)


def finding_to_diagnostic(
    finding: Finding,
    index: LineIndex,
    uri: str,
    version: Optional[int],
    related_support: bool = True,
) -> lsp.Diagnostic:
    related = None
    if related_support and finding.related:
        related = [
            lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=uri, range=index.range_to_client(r.range)),
                message=r.message,
            )
            for r in finding.related
        ]
    return lsp.Diagnostic(
        range=index.range_to_client(finding.range),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=lsp.CodeDescription(href=docs_url(finding.code)),
        source=SOURCE,
        related_information=related,
        # Titles only: edits are computed when an action is requested, never while publishing.
        data={
            "uri": uri,
            "version": version,
            "name": finding.name,
            "fixes": [
                {"id": f.id, "title": f.title, "safety": f.safety.value, "kind": f.kind}
                for f in finding.fixes
            ],
        },
    )


def diagnostic_field(diagnostic: lsp.Diagnostic, key: str) -> Any:
    """A field `finding_to_diagnostic` put into a diagnostic's data (`uri`: the document or
    notebook cell it is on; `name`: the finding's name), None when it has no such data."""
    data = diagnostic.data
    return data.get(key) if isinstance(data, dict) else None


# --- moving diagnostics through incremental edits -----------------------------------------------


def _line_breaks(text: str) -> list[str]:
    return _EOL.split(text)


@dataclass
class _Change:
    start: tuple[int, int]
    end: tuple[int, int]
    new_lines: list[str]


def _map_position(
    pos: lsp.Position, ch: _Change, units
) -> lsp.Position:
    # Only called for positions at or after the change's end.
    n_breaks = len(ch.new_lines) - 1
    if pos.line == ch.end[0]:
        base = ch.start[1] if n_breaks == 0 else 0
        return lsp.Position(
            line=ch.start[0] + n_breaks,
            character=base + units(ch.new_lines[-1]) + (pos.character - ch.end[1]),
        )
    return lsp.Position(line=pos.line + n_breaks - (ch.end[0] - ch.start[0]), character=pos.character)


def map_diagnostics(
    diagnostics: Sequence[lsp.Diagnostic],
    changes: Iterable[Any],
    units,
) -> list[lsp.Diagnostic]:
    """Move diagnostics (client units) through a didChange's content changes, in order.

    Diagnostics entirely before a change stay, those after it shift (lines, and columns on the
    change's last line), and those that overlap the changed range are dropped. A full-text change
    (no range) cannot be mapped: the diagnostics are kept as they are until the next analysis.
    """
    current = list(diagnostics)
    for change in changes:
        rng = getattr(change, "range", None)
        if rng is None:
            continue
        ch = _Change(
            (rng.start.line, rng.start.character),
            (rng.end.line, rng.end.character),
            _line_breaks(change.text),
        )
        out: list[lsp.Diagnostic] = []
        for d in current:
            s = (d.range.start.line, d.range.start.character)
            e = (d.range.end.line, d.range.end.character)
            if e <= ch.start:
                out.append(d)
            elif s >= ch.end:
                new_start = _map_position(d.range.start, ch, units)
                new_end = _map_position(d.range.end, ch, units)
                out.append(_with_range(d, lsp.Range(start=new_start, end=new_end)))
            # else: the edit touches this diagnostic's text; drop it
        current = out
    return current


def _with_range(d: lsp.Diagnostic, rng: lsp.Range) -> lsp.Diagnostic:
    related = d.related_information
    return lsp.Diagnostic(
        range=rng,
        message=d.message,
        severity=d.severity,
        code=d.code,
        code_description=d.code_description,
        source=d.source,
        related_information=related,
        tags=d.tags,
        data=d.data,
    )


def contains(rng: lsp.Range, pos: lsp.Position) -> bool:
    s = (rng.start.line, rng.start.character)
    e = (rng.end.line, rng.end.character)
    p = (pos.line, pos.character)
    return s <= p <= e


def engine_ranges_overlap(a: Range, b: Range) -> bool:
    """Overlap, counting touching ranges (a cursor at a finding's edge) as overlapping."""
    return not (a.end < b.start or b.end < a.start)
