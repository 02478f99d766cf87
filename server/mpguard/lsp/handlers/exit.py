"""``exit``: leave even when a background thread (jedi warm-up, a huge analysis) still runs."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


def exit(ls: "MpguardServer", params: Any) -> None:  # noqa: A001 - the LSP method's name
    # pygls exits normally right after this; force it if that stalls.
    code = 0 if getattr(ls.protocol, "_shutdown", False) else 1
    timer = threading.Timer(0.5, os._exit, [code])
    timer.daemon = True
    timer.start()


def register(server: "MpguardServer") -> None:
    server.feature(lsp.EXIT)(exit)
