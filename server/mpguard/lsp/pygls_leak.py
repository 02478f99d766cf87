"""A workaround for pygls 2.1 keeping one or two futures per notification for ever.

pygls files the future of every async/threaded/generator handler in ``_request_futures`` under a
fresh uuid for notifications and for each step of its generator handlers (didOpen, didChange,
didClose, ...), but only requests' entries are ever removed (when the response is sent). Each
didChange thus kept a finished asyncio Task and a concurrent Future (with their Condition, RLock,
uuid key, ...) for good: ~3.5 kB of RSS per edit, +25 % over 10,000 edits of a big file.

``ForgetFinishedFutures`` drops each entry once its future is done. Cancelled futures are left
alone: only ``lsp_shutdown`` (iterating the dict, where a synchronous pop would break it) and
``$/cancelRequest`` (which pops by itself) cancel them. The regression test
(tests/lsp/test_pygls_leak.py) fails once pygls stops leaking or changes the internals this uses.
"""

from __future__ import annotations

from typing import Any

from pygls.protocol import LanguageServerProtocol


class ForgetFinishedFutures(LanguageServerProtocol):
    """A protocol mixin: ``_request_futures`` holds only futures still running."""

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            futures = self._request_futures

            def forget(f: Any, msg_id: Any = msg_id) -> None:
                if not f.cancelled() and futures.get(msg_id) is f:
                    futures.pop(msg_id, None)

            future.add_done_callback(forget)
