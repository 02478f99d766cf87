"""``mpguard/debugStats`` {uri?}: per-document analysis counters (benchmarks, tests, fuzzer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import mpguard
from mpguard.lsp.text_sync import register_debug_text
from mpguard.uris import document_key

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

DEBUG_REQUEST = "mpguard/debugStats"


def debug_stats(ls: "MpguardServer", params: Any):
    uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
    return stats(ls, uri)


def stats(ls: "MpguardServer", uri: Optional[str]) -> dict:
    docs = []
    for st in list(ls.docs.values()) + list(ls.notebooks.states.values()):  # (notebooks: lsp/notebooks.py)
        if uri is None or document_key(st.uri) == document_key(uri):
            docs.append(st.debug_entry())
    return {
        "version": mpguard.__version__,
        "pullMode": ls.pull_mode,
        "positionEncoding": str(ls.workspace.position_encoding),
        "totalAnalyses": ls.total_analyses,
        "isolatedAnalyses": ls.isolated.runs,  # in a child process (lsp/isolated.py)
        "typeAware": ls.typeaware_module() is not None,
        "documents": docs,
    }


def register(server: "MpguardServer") -> None:
    register_debug_text(server)  # mpguard/debugText, only with MPGUARD_LSP_DEBUG_TEXT=1
    server.feature(DEBUG_REQUEST)(debug_stats)
