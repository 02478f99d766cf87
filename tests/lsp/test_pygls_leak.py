"""Regression test of mpguard.lsp.pygls_leak: pygls keeps every notification's future; we do not.

The first test documents the pygls bug: when it fails, pygls stopped leaking (or renamed the
internals the workaround relies on) and the workaround can go."""

from __future__ import annotations

import asyncio

from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from mpguard.lsp.pygls_leak import ForgetFinishedFutures

NOTIFICATIONS = 50


def _futures_left(protocol_cls: type) -> int:
    """Entries left in ``_request_futures`` after NOTIFICATIONS async notifications ran."""

    async def run() -> int:
        server = LanguageServer("leak-test", "1", protocol_cls=protocol_cls)

        @server.feature("test/ping")
        async def ping(ls: LanguageServer, params: object) -> None:
            await asyncio.sleep(0)

        for _ in range(NOTIFICATIONS):
            server.protocol._handle_notification("test/ping", None)
        for _ in range(10):  # the handlers, then their done-callbacks
            await asyncio.sleep(0)
        return len(server.protocol._request_futures)

    return asyncio.run(run())


def test_pygls_keeps_the_future_of_every_notification():
    assert _futures_left(LanguageServerProtocol) == NOTIFICATIONS


def test_the_workaround_forgets_finished_futures():
    assert _futures_left(ForgetFinishedFutures) == 0


def test_the_server_protocol_uses_the_workaround():
    from mpguard.lsp.server import MpguardServer

    assert issubclass(MpguardServer().protocol.__class__, ForgetFinishedFutures)
