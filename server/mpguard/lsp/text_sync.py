"""Text synchronisation with LSP semantics: the server holds exactly the client's text.

pygls 2.1's ``TextDocument`` splits lines with ``str.splitlines``, which also breaks at ``\\x0b``,
``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and ``\\u2029``. LSP breaks lines only at
``\\n``, ``\\r\\n`` and ``\\r``, so an edit after such a character landed on another line than
the client's, and the texts diverged. Its position codec also clamps a character past the end of
a line to one unit before the end (and mutates the request's position while doing so).

``LspTextDocument`` keeps one string and the offsets of its line starts (LSP line breaks only),
updates both through each edit without rescanning the whole text (a keystroke in a 5 MB paste
must not cost a 5 MB scan on the event loop), and converts positions with the clamping editors
use: a line past the end is the end of the text, a character past the end of its line is the end
of that line (line breaks are never inside a line), a position inside a surrogate pair (utf-16)
or a multi-byte character (utf-8) moves to the end of that character. A range whose end precedes
its start covers the text between them.

``TextSyncProtocol`` installs these documents and ignores a didChange for a document that is not
open (logged), instead of pygls's KeyError shown to the user as "Error in server".
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, repeat
from operator import add, sub
from collections.abc import Sequence
from typing import Any, Generator, Optional

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange, Utf32

from mpguard.lsp.convert import LineIndex

log = logging.getLogger("mpguard.lsp")

# LSP line terminators (the spec: \n, \r\n and \r); "\r\n" first so it is one break.
EOL = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of `text` start (LSP line breaks); always starts with 0."""
    if "\r" not in text:  # in C: 25 ms instead of 450 ms for a 5 MB file's 280,000 lines
        starts = list(accumulate(map(add, map(len, text.split("\n")), repeat(1)), initial=0))
        starts.pop()
        return starts
    return [0] + [m.end() for m in EOL.finditer(text)]


class GapStarts(Sequence):
    """Line starts that an edit updates in time proportional to the lines it touches.

    A plain list must add the length difference to every start after the edit: 45 ms per
    keystroke at the top of a 5 MB file, on the event loop. Here the starts after the "gap" are
    stored as distances from the end of the text, which an edit before them does not change; the
    gap moves to each edit, so typing in one place costs only the lines it touches.
    """

    def __init__(self, starts: list[int], length: int) -> None:
        self._head = starts  # absolute offsets of the lines before the gap
        self._tail: list[int] = []  # distances from the end of the text, last line first
        self._length = length  # length of the text the offsets are in

    def __len__(self) -> int:
        return len(self._head) + len(self._tail)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        head = self._head
        if index < 0:
            index += len(self)
        if index < len(head):
            return head[index]
        tail_index = len(self._tail) - 1 - (index - len(head))
        if not 0 <= tail_index < len(self._tail):
            raise IndexError(index)
        return self._length - self._tail[tail_index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment] - mutable

    def replace(self, keep: int, shift_from: int, window: list[int], new_length: int) -> None:
        """Lines [keep, shift_from) start at `window` now; the later ones keep their distance
        from the end of the text, which is `new_length` long now."""
        head, tail, length = self._head, self._tail, self._length
        if len(head) < shift_from:  # move the gap to `shift_from` (in C: map, no Python loop)
            moved = tail[len(tail) - (shift_from - len(head)):]
            del tail[len(tail) - len(moved):]
            head.extend(map(sub, repeat(length), reversed(moved)))
        elif len(head) > shift_from:
            tail.extend(map(sub, repeat(length), reversed(head[shift_from:])))
            del head[shift_from:]
        del head[keep:]
        head.extend(window)
        self._length = new_length


class LineTable:
    """One text and the offsets of its line starts, kept in step through splices."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = GapStarts(line_starts(text), len(text))

    def __len__(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """Offset just past the last character of `line`, before its line break."""
        starts, text = self.starts, self.text
        if line + 1 >= len(starts):
            return len(text)
        nxt = starts[line + 1]
        return nxt - 2 if text.startswith("\r\n", nxt - 2) else nxt - 1

    def line(self, line: int) -> str:
        """The characters of `line`, without its line break."""
        return self.text[self.starts[line] : self.line_end(line)]

    def offset(self, position: lsp.Position, codec: PositionCodec) -> int:
        """The offset of a client position, clamped into the text (see the module docstring)."""
        line = max(0, position.line)
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.line_end(line)
        want = max(0, position.character)
        if want == 0:
            return start
        if isinstance(codec.impl, Utf32):
            return min(start + want, end)
        chars = self.text[start:end]
        if chars.isascii():  # one unit per character in every encoding
            return start + min(want, len(chars))
        units = 0
        count = 0
        for ch in chars:
            if units >= want:
                break
            units += codec.impl.code_units_for_char(ch)
            count += 1
        return start + count

    def position(self, offset: int, codec: PositionCodec) -> lsp.Position:
        """The client position of an offset (clamped into the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.line_end(line))
        return lsp.Position(line=line, character=codec.client_num_units(self.text[start:offset]))

    def splice(self, start: int, end: int, new: str) -> None:
        """Replace text[start:end] with `new`, updating the line starts around the edit only.

        Line starts at or before ``start - 1`` cannot change (the break that ends there is made
        of characters before the edit, and a ``\\r`` just before the edit is rescanned). Old starts
        at ``end + 2`` or later shift by the length difference: their breaks are made of old
        characters at ``end`` or later. Everything in between is rescanned.
        """
        old = self.text
        text = old[:start] + new + old[end:]
        starts = self.starts
        lo = max(0, start - 1)
        keep = bisect_right(starts, lo)
        shift_from = bisect_left(starts, end + 2)
        hi = start + len(new) + 2  # == old end + 2 in the new text
        window = [m.end() for m in EOL.finditer(text, lo, min(len(text), hi + 1)) if m.end() < hi]
        starts.replace(keep, shift_from, window, len(text))
        self.text = text


class _TableLines(Sequence):
    """The lines (without breaks) of a LineTable, sliced on demand rather than all copied."""

    def __init__(self, table: LineTable) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.table.line(index)


class TableLineIndex(LineIndex):
    """A LineIndex over a document's line table: no scan of the text to build it.

    The table changes in place with the next edit; an index still in use after that (a request
    that awaited) scans its own text once, so it always describes the text it was made for."""

    def __init__(self, table: LineTable, codec: Any) -> None:  # noqa: D107 - no super(): no scan
        self.text = table.text
        self.codec = codec
        self._table = table
        self._table_lines = _TableLines(table)
        self._own: Optional[LineIndex] = None

    def _current(self) -> bool:
        return self._table.text is self.text

    def _snapshot(self) -> LineIndex:
        if self._own is None:
            self._own = LineIndex(self.text, self.codec)
        return self._own

    @property
    def starts(self) -> Sequence[int]:  # type: ignore[override]
        return self._table.starts if self._current() else self._snapshot().starts

    @property
    def lines(self) -> Sequence[str]:  # type: ignore[override]
        return self._table_lines if self._current() else self._snapshot().lines


class LspTextDocument(TextDocument):
    """A pygls TextDocument with LSP line breaks and editor-like clamping of positions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._table: Optional[LineTable] = None
        self._index: Optional[TableLineIndex] = None

    def table(self) -> LineTable:
        source = self.source
        if self._table is None or self._table.text is not source:
            self._table = LineTable(source)
            self._index = None
        return self._table

    def line_index(self, codec: Any) -> LineIndex:
        """A LineIndex of the current text (cached until the next change)."""
        table = self.table()
        if self._index is None or self._index.text is not table.text or self._index.codec is not codec:
            self._index = TableLineIndex(table, codec)
        return self._index

    # -- edits
    def as_applied(self, change: lsp.TextDocumentContentChangePartial) -> lsp.TextDocumentContentChangePartial:
        """`change` with its range as it applies to the current text: positions past a line's or
        the text's end clamped, a reversed range put in order."""
        table, codec = self.table(), self.position_codec
        start, end = table.offset(change.range.start, codec), table.offset(change.range.end, codec)
        start, end = min(start, end), max(start, end)
        rng = lsp.Range(start=table.position(start, codec), end=table.position(end, codec))
        if rng == change.range:
            return change
        return lsp.TextDocumentContentChangePartial(range=rng, text=change.text)

    def _apply_incremental_change(self, change: lsp.TextDocumentContentChangePartial) -> None:
        table = self.table()
        start = table.offset(change.range.start, self.position_codec)
        end = table.offset(change.range.end, self.position_codec)
        if end < start:
            start, end = end, start
        table.splice(start, end, change.text)
        self._source = table.text
        self._index = None

    def _apply_full_change(self, change: Any) -> None:
        self._source = change.text
        self._table = None
        self._index = None

    # -- pygls's views, with LSP lines
    @property
    def lines(self) -> Sequence[str]:  # type: ignore[override]
        table = self.table()
        starts, text = list(table.starts), table.text
        return tuple(text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]))

    def offset_at_position(self, client_position: lsp.Position) -> int:
        return self.table().offset(client_position, self.position_codec)

    def client_position_at_offset(self, offset: int) -> lsp.Position:
        return self.table().position(offset, self.position_codec)

    def position_from_client_units(self, position: lsp.Position) -> ServerTextPosition:
        table = self.table()
        offset = table.offset(position, self.position_codec)
        line = bisect_right(table.starts, offset) - 1
        return ServerTextPosition(line, offset - table.starts[line])

    def range_from_client_units(self, range: lsp.Range) -> ServerTextRange:  # noqa: A002 - pygls's name
        return ServerTextRange(self.position_from_client_units(range.start),
                               self.position_from_client_units(range.end))


def _create_lsp_document(workspace: Any, doc_uri: str, source: Optional[str] = None,
                         version: Optional[int] = None, language_id: Optional[str] = None) -> TextDocument:
    return LspTextDocument(
        doc_uri,
        source=source,
        version=version,
        language_id=language_id,
        sync_kind=workspace._sync_kind,
        position_codec=workspace.position_codec,
    )


def adopt_workspace(workspace: Any) -> None:
    """Make `workspace` create LspTextDocuments (pygls builds its Workspace inside initialize)."""
    if getattr(workspace, "_mpguard_lsp_text", False):
        return
    workspace._create_text_document = lambda *a, **k: _create_lsp_document(workspace, *a, **k)
    workspace._mpguard_lsp_text = True


class TextSyncProtocol(LanguageServerProtocol):
    """pygls's protocol with LSP text semantics and quiet handling of expected client errors."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, Any]:
        # Drive pygls's generator by hand: its workspace exists from its first step on, before
        # the user's initialize handler runs and before any document can be opened.
        steps = super().lsp_initialize(params)
        value: Any = None
        while True:
            try:
                step = steps.send(value)
            except StopIteration as done:
                adopt_workspace(self._workspace)
                return done.value
            adopt_workspace(self._workspace)
            value = yield step

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        uri = params.text_document.uri
        doc = self.workspace.text_documents.get(uri)  # any spelling of the URI (lsp.documents)
        if doc is None:
            # A client race (an edit sent just after a close) or a client bug: nothing to update.
            log.info("didChange for %s, which is not open: ignored", uri)
            return
        full = any(getattr(c, "range", None) is None for c in params.content_changes)
        old = doc.source if full else None
        applied = []
        for change in params.content_changes:
            if isinstance(doc, LspTextDocument) and getattr(change, "range", None) is not None:
                change = doc.as_applied(change)
            self.workspace.update_text_document(params.text_document, change)
            applied.append(change)
        # The handlers move diagnostics through the changes: give them the ranges as applied
        # (clamped into the text, start before end), not as sent.
        params.content_changes = applied
        if old is not None:
            # The handlers move diagnostics through ranged changes: hand them the one ranged
            # change equivalent to this full-text sync (it turns the old text into the new one).
            params.content_changes = [equivalent_change(old, doc.source, self.workspace.position_codec)]
        if (user_handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None

    def _send_handler_result(self, future: Any, *, msg_id: Any) -> None:
        # Invalid parameters are the client's mistake: answer InvalidParams without pygls's
        # traceback in the log.
        if future.done() and not future.cancelled() and isinstance(future.exception(), JsonRpcInvalidParams):
            exc = future.exception()
            self._request_futures.pop(msg_id, None)
            log.info("request %s: invalid parameters: %s", msg_id, exc.message)
            self._send_response(msg_id, error=exc.to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)


def index_of(doc: Any, text: str, codec: Any) -> LineIndex:
    """A LineIndex of `text`: the document's cached one when `doc` holds exactly that text."""
    if isinstance(doc, LspTextDocument) and doc.source is text:
        return doc.line_index(codec)
    return LineIndex(text, codec)


def _common_prefix(a: str, b: str) -> int:
    n, i, step = min(len(a), len(b)), 0, 4096
    while i + step <= n and a[i : i + step] == b[i : i + step]:  # compare in C, a block at a time
        i += step
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix of a and b, at most `limit` characters."""
    k, step = 0, 4096
    while k + step <= limit and a[len(a) - k - step : len(a) - k] == b[len(b) - k - step : len(b) - k]:
        k += step
    while k < limit and a[len(a) - k - 1] == b[len(b) - k - 1]:
        k += 1
    return k


def equivalent_change(old: str, new: str, codec: PositionCodec) -> lsp.TextDocumentContentChangePartial:
    """One ranged change that turns `old` into `new` (their differing middle), so diagnostics can
    be moved through a full-text sync like through an incremental edit. Its ends never split a
    ``\\r\\n`` (a position cannot point between the two)."""
    start = _common_prefix(old, new)
    if 0 < start and old[start - 1] == "\r":
        start -= 1
    tail = _common_suffix(old, new, min(len(old), len(new)) - start)
    end_old = len(old) - tail
    if 0 < end_old < len(old) and old[end_old] == "\n" and old[end_old - 1] == "\r":
        end_old += 1
        tail -= 1
    table = LineTable(old)
    return lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=table.position(start, codec), end=table.position(end_old, codec)),
        text=new[start : len(new) - tail],
    )


def clamp_range(rng: lsp.Range, index: LineIndex) -> lsp.Range:
    """`rng` moved inside the text of `index` (client units)."""

    def clamp(pos: lsp.Position) -> lsp.Position:
        last = len(index.lines) - 1
        if pos.line > last:
            return lsp.Position(line=last, character=index.units(index.lines[last]))
        width = index.units(index.lines[pos.line])
        return pos if pos.character <= width else lsp.Position(line=pos.line, character=width)

    start, end = clamp(rng.start), clamp(rng.end)
    return rng if (start is rng.start and end is rng.end) else lsp.Range(start=start, end=end)


def inside_document(diagnostics: list[lsp.Diagnostic], index: LineIndex) -> list[lsp.Diagnostic]:
    """The diagnostics with every range (and related location in this file) inside the text:
    a last guard before publishing, whatever moved them."""
    out = []
    for d in diagnostics:
        rng = clamp_range(d.range, index)
        related = d.related_information
        if related and any(clamp_range(r.location.range, index) is not r.location.range for r in related):
            related = [lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=r.location.uri, range=clamp_range(r.location.range, index)),
                message=r.message) for r in related]
        if rng is not d.range or related is not d.related_information:
            d = lsp.Diagnostic(range=rng, message=d.message, severity=d.severity, code=d.code,
                               code_description=d.code_description, source=d.source,
                               related_information=related, tags=d.tags, data=d.data)
        out.append(d)
    return out


DEBUG_TEXT_REQUEST = "mpguard/debugText"
DEBUG_TEXT_ENV = "MPGUARD_LSP_DEBUG_TEXT"


def register_debug_text(server: Any) -> None:
    """``mpguard/debugText`` {uri, full?}: the server's copy of a document (its version, length,
    sha256, line count and, with full, the text), for the fuzzer to compare with the client's.
    Only with MPGUARD_LSP_DEBUG_TEXT=1: a client has no business reading it back otherwise."""
    import hashlib
    import os

    if os.environ.get(DEBUG_TEXT_ENV) != "1":
        return

    @server.feature(DEBUG_TEXT_REQUEST)
    def on_debug_text(ls: Any, params: Any) -> Optional[dict]:
        uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
        full = params.get("full") if isinstance(params, dict) else getattr(params, "full", False)
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams(f"{DEBUG_TEXT_REQUEST}: argument 'uri' must be a string")
        doc = ls.workspace.text_documents.get(uri)  # any spelling of the URI (lsp.documents)
        if doc is None:
            return None
        text = doc.source
        return {
            "uri": uri,
            "version": doc.version,
            "length": len(text),
            "lines": len(doc.table()) if isinstance(doc, LspTextDocument) else len(line_starts(text)),
            "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            "text": text if full else None,
        }
