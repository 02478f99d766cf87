"""Answering requests without waiting behind the analysis of edits.

The fast lane (``MpguardServer.executor``) analyses edits one at a time; the analysis of a huge
paste can take a minute. Hover and code actions must not queue behind it, so:

* hover reads only the last published diagnostics (no analysis, no executor);
* code actions use the last analysis when it is of the current text; otherwise the current text
  is analysed here, on a lane of its own, for at most ``CODE_ACTION_BUDGET_S``: a request that
  does not get its analysis in time is answered with no actions (the editor asks again when the
  diagnostics change) and the analysis, once done, serves the next request for that text;
* resolving an action and the fix commands need edits for exactly the current text: they wait
  for the analysis of this lane, never for the fast lane's, up to ``RESOLVE_BUDGET_S`` (then: no
  edit). A text too long to analyse on request is only served once the fast lane analysed it.

This lane analyses from scratch (no incremental base): the fast lane owns ``DocState.base``.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from mpguard.engine import Analysis, analyze

log = logging.getLogger("mpguard.lsp")

CODE_ACTION_BUDGET_S = 0.05
RESOLVE_BUDGET_S = 3.0
# A text this long takes seconds to analyse; a code action waits for the fast lane's analysis
# (published diagnostics) instead of starting a second one.
MAX_CHARS_FOR_REQUEST_ANALYSIS = 200_000


class RequestLane:
    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-requests")
        self._inflight: dict[str, tuple[str, "asyncio.Future[Analysis]"]] = {}
        self.analyses = 0
        self.timeouts = 0

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Any, *args: Any) -> Any:
        """Run `fn(*args)` on this lane's thread (edits of actions, fixes)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def analysis(self, ls: Any, uri: str, budget: float) -> tuple[Optional[Analysis], str, Optional[int]]:
        """(analysis of the current text or None, current text, version).

        None when the document is not open, when `budget` (seconds) runs out, or when the text
        is too long to analyse on request."""
        doc = ls.workspace.text_documents.get(uri)
        st = ls.docs.get(uri)
        if doc is None:
            return None, "", None
        text, version = doc.source, doc.version
        if st is None:
            return None, text, version
        if st.analysis is not None and st.analysis_text == text:
            return st.analysis, text, version
        if len(text) > MAX_CHARS_FOR_REQUEST_ANALYSIS:
            return None, text, version
        future = self._start(ls, st, uri, text, version)
        try:
            return await asyncio.wait_for(asyncio.shield(future), budget), text, version
        except asyncio.TimeoutError:
            self.timeouts += 1
            return None, text, version

    def _start(self, ls: Any, st: Any, uri: str, text: str, version: Optional[int]) -> "asyncio.Future[Analysis]":
        running = self._inflight.get(uri)
        if running is not None and running[0] is text and not running[1].done():
            return running[1]
        settings = ls.settings_for(uri)
        path = ls.path_of(uri)
        config = ls.config_for_doc(path, settings)

        def work() -> Analysis:
            try:
                return analyze(text, path, config)
            except Exception as exc:  # noqa: BLE001 - the engine isolates rules; a last resort
                log.warning("analysis of %s for a request failed: %s: %s", uri, type(exc).__name__, exc)
                failed = Analysis(path=path, text=text)
                failed.findings = []
                return failed

        self.analyses += 1
        future = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self.executor, work))
        self._inflight[uri] = (text, future)

        def adopt(done: "asyncio.Future[Analysis]") -> None:
            if self._inflight.get(uri, (None, None))[1] is done:
                del self._inflight[uri]
            if done.cancelled() or done.exception() is not None:
                return
            doc = ls.workspace.text_documents.get(uri)
            # Keep it for the next request if the document still holds this text and the fast
            # lane has not analysed it meanwhile.
            if ls.docs.get(uri) is st and doc is not None and doc.source is text and st.analysis_text != text:
                st.analysis, st.analysis_text, st.analysis_version = done.result(), text, version

        future.add_done_callback(adopt)
        return future
