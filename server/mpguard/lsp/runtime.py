"""Process policies of the language server: garbage collection, heap trimming, thread stacks.

All three trade memory or pauses against latency, and each was measured (numbers below); they
live here so that their interplay is in one place.

* **GC thresholds** (``configure_process``): a parse allocates hundreds of thousands of
  (acyclic) libcst nodes. With CPython's default young-generation threshold (700) each of them
  is scanned by several young collections, which made up ~45 % of an incremental analysis of a
  6k-line file (604 -> 336 ms with 10,000; full re-parse 1,125 -> 708 ms). Full collections keep
  their relative rhythm. Start-up objects (pygls, lsprotocol, libcst) are frozen: never scanned.
* **Idle housekeeping** (``Housekeeping``): with the raised threshold automatic full collections
  are rare, and each analysis leaves its model behind as cyclic garbage (its records reference
  each other): without a collection RSS grew ~30 % over 10,000 edits. A full collection holds the
  GIL (~60-150 ms for a 6k-line file), so it waits for a real pause (``IDLE_S`` without edit or
  analysis): every edit postpones it, so it never lands inside a burst. It is followed by
  ``malloc_trim``: large strings and trees are allocated and freed from the event loop and the
  analysis thread (two malloc arenas); freed memory stays mapped otherwise. ``malloc_trim``
  releases the GIL, so during long typing streaks the heap is also trimmed every ``TRIM_EVERY``
  analyses (without the collection).
* **Thread stacks**: libcst and the engine recurse per nesting level; analysis threads get a deep
  stack so that a pathological file produces a diagnostic rather than a crash.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from concurrent.futures import Executor
from typing import Any, Callable, Optional

GC_YOUNG_THRESHOLD = 10_000
THREAD_STACK_BYTES = 256 * 1024 * 1024


def _load_malloc_trim() -> Optional[Callable[[int], Any]]:
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _load_malloc_trim()


def configure_process() -> None:
    """The server process's GC thresholds and thread stack size (call once, before any thread)."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)
    try:
        threading.stack_size(THREAD_STACK_BYTES)
    except (ValueError, RuntimeError):  # pragma: no cover - platform limits
        pass


def idle_housekeeping() -> None:
    """A full collection, then the glibc heap trimmed (on a worker thread: it holds the GIL)."""
    gc.collect()
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


class Housekeeping:
    """Runs ``idle_housekeeping`` once the server has been idle for ``IDLE_S`` (event loop only)."""

    IDLE_S = 1.0
    TRIM_EVERY = 25

    def __init__(self, executor: Executor) -> None:
        self.executor = executor  # the analysis thread: housekeeping never races an analysis
        self.since_idle = 0
        self.since_trim = 0
        self._handle: Optional[asyncio.TimerHandle] = None

    def note(self, loop: asyncio.AbstractEventLoop, analysed: bool = True) -> None:
        """An analysis finished (`analysed`) or an edit arrived: postpone the idle work."""
        if analysed:
            self.since_idle += 1
            self.since_trim += 1
        elif not self.since_idle:
            return  # an edit with nothing to clean up after
        if self._handle is not None:
            self._handle.cancel()
        if analysed and self.since_trim >= self.TRIM_EVERY:
            self.since_trim = 0
            if MALLOC_TRIM is not None:
                loop.run_in_executor(self.executor, MALLOC_TRIM, 0)
        self._handle = loop.call_later(self.IDLE_S, self._idle, loop)

    def _idle(self, loop: asyncio.AbstractEventLoop) -> None:
        self.since_idle = self.since_trim = 0
        self._handle = None
        loop.run_in_executor(self.executor, idle_housekeeping)
