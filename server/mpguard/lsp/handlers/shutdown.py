"""``shutdown``: cancel pending analyses and stop the worker threads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


def shutdown(ls: "MpguardServer", params: Any) -> None:
    for st in ls.docs.values():
        for t in (st.task, st.slow_task):
            if t is not None and not t.done():
                t.cancel()
    ls.notebooks.cancel_all()
    ls.executor.shutdown(wait=False, cancel_futures=True)
    ls.slow_executor.shutdown(wait=False, cancel_futures=True)
    ls.requests.shutdown()
    ls.isolated_executor.shutdown(wait=False, cancel_futures=True)


def register(server: "MpguardServer") -> None:
    server.feature(lsp.SHUTDOWN)(shutdown)
