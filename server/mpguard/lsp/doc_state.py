"""The state of one open document (a text document, or a notebook: lsp/notebooks.py), written by
the scheduler's one lint/publish lifecycle (lsp/scheduler.py) on the event loop only."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Optional

from lsprotocol import types as lsp

from mpguard.engine import Analysis

STATS_KEEP = 1000


@dataclass
class DocState:
    """One open document's diagnostics and analysis state; changed on the event loop only.

    For a notebook the diagnostics are those of all its cells, each on its cell's URI (in
    ``data["uri"]``) with a cell-relative range: one list, composed and published like a file's.
    """

    uri: str
    task: Optional[asyncio.Task] = None  # pending/running fast-lane lint
    slow_task: Optional[asyncio.Task] = None  # pending/running type-aware lint
    analysis: Optional[Analysis] = None  # last analysis whose text parsed or not, for `analysis_text`
    analysis_text: Optional[str] = None
    analysis_version: Optional[int] = None
    good: list[lsp.Diagnostic] = field(default_factory=list)  # last parsed findings, mapped by edits
    slow: list[lsp.Diagnostic] = field(default_factory=list)  # type-aware findings, mapped by edits
    syntax: list[lsp.Diagnostic] = field(default_factory=list)  # current syntax error, if any
    current: list[lsp.Diagnostic] = field(default_factory=list)  # what the client should show
    current_version: Optional[int] = None
    result_id: int = 0
    # The last analysis whose text parsed: the next one re-parses only what changed since.
    base: Optional[Analysis] = None
    # instrumentation (mpguard/debugStats); only the last STATS_KEEP versions, so a long session
    # does not grow them by one entry per analysis/publish
    analyses: int = 0
    versions_analysed: deque = field(default_factory=lambda: deque(maxlen=STATS_KEEP))
    published_versions: deque = field(default_factory=lambda: deque(maxlen=STATS_KEEP))
    discarded: int = 0
    slow_runs: int = 0
    incremental: int = 0  # analyses that re-parsed only the edited top-level statements

    def debug_entry(self) -> dict:
        """This document's counters for mpguard/debugStats."""
        return {
            "uri": self.uri,
            "analyses": self.analyses,
            "versionsAnalysed": list(self.versions_analysed),
            "publishedVersions": list(self.published_versions),
            "discarded": self.discarded,
            "slowRuns": self.slow_runs,
            "incrementalAnalyses": self.incremental,
            "diagnostics": len(self.current),
        }
