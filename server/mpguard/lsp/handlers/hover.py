"""``textDocument/hover``: a rule code in a suppression comment, or the diagnostics under the
cursor. Reads only the last published diagnostics: it never waits for an analysis."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Optional

from lsprotocol import types as lsp

from mpguard.lsp.convert import contains, diagnostic_field
from mpguard.lsp.hover_text import findings_hover, suppression_hover
from mpguard.lsp.text_sync import inside_document

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")

_SUPPRESSION = re.compile(r"#\s*mpguard:\s*ignore(?:-file)?\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


async def hover(ls: "MpguardServer", params: lsp.HoverParams) -> Optional[lsp.Hover]:
    try:
        return _hover(ls, params)
    except Exception:  # noqa: BLE001
        log.exception("hover failed")
        return None


def _hover(ls: "MpguardServer", params: lsp.HoverParams) -> Optional[lsp.Hover]:
    uri = params.text_document.uri
    doc = ls.workspace.text_documents.get(uri)
    if doc is None:
        return None
    text = doc.source
    index = ls.index_for(uri, text)
    pos = params.position
    if pos.line < 0 or pos.line >= len(index.lines):
        return None
    here = index.from_client(pos)
    line_text = index.lines[pos.line]
    kind = lsp.MarkupKind.Markdown if ls.markdown_ok() else lsp.MarkupKind.PlainText
    # 1. a code inside a suppression comment
    for m in _SUPPRESSION.finditer(line_text):
        start = m.start("codes")
        for cm in _CODE.finditer(m.group("codes")):
            s, e = start + cm.start(), start + cm.end()
            if s <= here.column <= e:
                md = suppression_hover(cm.group(0))
                return lsp.Hover(
                    contents=lsp.MarkupContent(kind=kind, value=md),
                    range=lsp.Range(start=index.to_client(here.line, s), end=index.to_client(here.line, e)),
                )
    # 2. a diagnostic's range
    if ls.notebooks.is_cell(uri):
        current = ls.notebooks.diagnostics_of(uri)
    else:
        st = ls.docs.get(uri)
        if st is None:
            return None
        current = st.current
    hits = [d for d in inside_document(current, index) if contains(d.range, pos)]
    if not hits:
        return None
    md = findings_hover((str(d.code), diagnostic_field(d, "name")) for d in hits)  # MP000 has several
    return lsp.Hover(contents=lsp.MarkupContent(kind=kind, value=md), range=hits[0].range) if md else None


def register(server: "MpguardServer") -> None:
    server.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
