"""Shared helpers for the language-server tests (pytest-lsp drives `python -m mpguard.lsp`)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types as lsp

SERVER_CMD = [sys.executable, "-m", "mpguard.lsp"]

BROKEN = """\
from multiprocessing import Pool
def work(x):
    return x * 2
with Pool(2) as p:
    print(p.map(work, range(4)))
"""

LAMBDA = """\
from multiprocessing import Pool
if __name__ == "__main__":
    with Pool(2) as p:
        print(p.map(lambda x: x + 1, range(4)))
"""

CLEAN = """\
from multiprocessing import Pool
def work(x):
    return x * 2
if __name__ == "__main__":
    with Pool(2) as p:
        print(p.map(work, range(4)))
"""


def uri_for(tmp_path: Path, name: str = "script.py") -> str:
    return (tmp_path / name).as_uri()


def open_doc(client, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )


def change(client, uri: str, version: int, text: str, start: tuple[int, int], end: tuple[int, int]) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(
                        start=lsp.Position(line=start[0], character=start[1]),
                        end=lsp.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


def replace_all(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(predicate, timeout: float = 15.0, interval: float = 0.02):
    """Poll `predicate()` until it returns a truthy value (returned) or time out (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {getattr(predicate, '__name__', predicate)}")
        await asyncio.sleep(interval)


async def debug_stats(client, uri: Optional[str] = None) -> dict:
    result = _plain(await client.protocol.send_request_async("mpguard/debugStats", {"uri": uri} if uri else {}))
    result["documents"] = {d["uri"]: d for d in result["documents"]}
    return result


def _plain(value: Any) -> Any:
    """pygls gives custom-request results as attribute objects; turn them into dicts/lists."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def diagnostics_for(client, uri: str, predicate=lambda ds: True, timeout: float = 15.0):
    """Wait until pushed diagnostics for `uri` satisfy `predicate` and return them."""

    def ready():
        if uri in client.diagnostics and predicate(client.diagnostics[uri]):
            return client.diagnostics[uri] or True
        return None

    await wait_for(ready, timeout)
    return client.diagnostics[uri]


def _utf16_col_to_index(line: str, col: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units >= col:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def apply_text_edits(text: str, edits) -> str:
    """Apply LSP TextEdits (utf-16 positions, as the default pytest-lsp client negotiates)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos) -> int:
        if pos.line >= len(lines):
            return len(text)
        return starts[pos.line] + _utf16_col_to_index(lines[pos.line], pos.character)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def edits_of(action, uri: str):
    edit = action.edit
    assert edit is not None, f"action {action.title!r} has no edit"
    if edit.changes:
        return list(edit.changes[uri])
    out = []
    for dc in edit.document_changes or []:
        if dc.text_document.uri == uri:
            out.extend(dc.edits)
    return out

