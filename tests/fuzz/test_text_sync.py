"""The server's document text against the client's (tests/fuzz/shadow.py), without a server."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec

from mpguard.lsp.text_sync import LineTable, LspTextDocument, line_starts
from shadow import apply_change, line_lengths, split_lines

ENCODINGS = {"utf-8": lsp.PositionEncodingKind.Utf8, "utf-16": lsp.PositionEncodingKind.Utf16,
             "utf-32": lsp.PositionEncodingKind.Utf32}
# Every LSP break, every break Python's splitlines adds, and characters of 1-4 utf-8 bytes.
ALPHABET = ["a", "b", " ", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
            "\u2028", "\u2029", "é", "中", "😀"]


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def _doc(text: str, encoding: str) -> LspTextDocument:
    return LspTextDocument("file:///t.py", source=text, version=0,
                           position_codec=PositionCodec(ENCODINGS[encoding]))


def test_line_starts_break_at_lsp_line_ends_only():
    text = "a\x0cb\x0bc\u2028d\x85e\rf\r\ng\nh"
    assert line_starts(text) == [0, 10, 13, 15]
    assert split_lines(text) == [(0, 9), (10, 11), (13, 14), (15, 16)]


@pytest.mark.parametrize("seed", range(20))
def test_splice_keeps_line_starts_equal_to_a_full_scan(seed):
    rng = random.Random(seed)
    table = LineTable(_random_text(rng, 30))
    for _ in range(300):
        n = len(table.text)
        a = rng.randint(0, n)
        b = rng.randint(a, min(n, a + 5))
        table.splice(a, b, _random_text(rng, rng.randint(0, 4)))
        assert table.starts == line_starts(table.text), (seed, repr(table.text))


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("seed", range(10))
def test_incremental_edits_give_the_clients_text(encoding, seed):
    rng = random.Random(seed)
    text = _random_text(rng, 40)
    doc = _doc(text, encoding)
    for _ in range(200):
        lengths = line_lengths(text, encoding)
        # positions inside, at the end of and past lines and the document, and reversed ranges
        def pos() -> dict:
            line = rng.randint(0, len(lengths))
            limit = lengths[line] if line < len(lengths) else 3
            return {"line": line, "character": rng.randint(0, limit + 2)}

        change = {"range": {"start": pos(), "end": pos()}, "text": _random_text(rng, rng.randint(0, 5))}
        text = apply_change(text, change, encoding)
        rng_ = change["range"]
        doc.apply_change(lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(**rng_["start"]), end=lsp.Position(**rng_["end"])),
            text=change["text"]))
        assert doc.source == text


def test_pygls_views_use_lsp_lines():
    doc = _doc("x = 1\x0c\ny = '\u2028'\rz\r\n", "utf-16")
    assert doc.lines == ("x = 1\x0c\n", "y = '\u2028'\r", "z\r\n", "")
    assert doc.offset_at_position(lsp.Position(line=1, character=99)) == 14  # end of line 1
    assert doc.offset_at_position(lsp.Position(line=9, character=0)) == len(doc.source)
    assert doc.client_position_at_offset(14) == lsp.Position(line=1, character=7)


def test_line_index_comes_from_the_documents_table():
    doc = _doc("a\rbb\x0ccc\n😀x", "utf-16")
    codec = doc.position_codec
    index = doc.line_index(codec)
    assert list(index.lines) == ["a", "bb\x0ccc", "😀x"]
    assert index.to_client(3, 1) == lsp.Position(line=2, character=2)
    assert index.from_client(lsp.Position(line=2, character=3)).column == 2
    assert doc.line_index(codec) is index  # cached until the next change
    doc.apply_change(lsp.TextDocumentContentChangePartial(
        range=lsp.Range(start=lsp.Position(line=0, character=1), end=lsp.Position(line=1, character=0)), text=""))
    assert doc.source == "abb\x0ccc\n😀x"
    assert list(doc.line_index(codec).lines) == ["abb\x0ccc", "😀x"]


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("seed", range(10))
def test_a_full_sync_becomes_one_equivalent_ranged_change(encoding, seed):
    from mpguard.lsp.text_sync import equivalent_change

    rng = random.Random(seed)
    codec = PositionCodec(ENCODINGS[encoding])
    for _ in range(100):
        old = _random_text(rng, rng.randint(0, 30))
        new = list(old)
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, len(new))
            new[at:at + rng.randint(0, 3)] = _random_text(rng, rng.randint(0, 3))
        new = "".join(new)
        change = equivalent_change(old, new, codec)
        as_dict = {"range": {"start": {"line": change.range.start.line, "character": change.range.start.character},
                             "end": {"line": change.range.end.line, "character": change.range.end.character}},
                   "text": change.text}
        assert apply_change(old, as_dict, encoding) == new, (repr(old), repr(new))


def test_ranges_past_their_line_or_the_document_are_moved_inside():
    from mpguard.lsp.text_sync import inside_document

    doc = _doc("ab\r\ncd", "utf-16")
    index = doc.line_index(doc.position_codec)

    def diag(a, b, c, d):
        return lsp.Diagnostic(range=lsp.Range(start=lsp.Position(line=a, character=b),
                                              end=lsp.Position(line=c, character=d)), message="m")

    inside = diag(0, 1, 1, 2)
    out = inside_document([inside, diag(0, 5, 7, 0)], index)
    assert out[0] is inside
    assert out[1].range == lsp.Range(start=lsp.Position(line=0, character=2), end=lsp.Position(line=1, character=2))


def test_a_change_as_applied_has_its_range_clamped_and_in_order():
    doc = _doc("ab\r\ncd😀e", "utf-16")

    def change(a, b, c, d):
        return lsp.TextDocumentContentChangePartial(range=lsp.Range(
            start=lsp.Position(line=a, character=b), end=lsp.Position(line=c, character=d)), text="X")

    inside = change(0, 1, 1, 2)
    assert doc.as_applied(inside) is inside
    assert doc.as_applied(change(1, 3, 0, 9)).range == change(0, 2, 1, 4).range  # reversed, past the end, mid-pair
    assert doc.as_applied(change(5, 0, 7, 1)).range == change(1, 5, 1, 5).range  # past the text
