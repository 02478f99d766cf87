"""When and where documents are analysed, and how results reach the client: one lifecycle for a
text document and a notebook alike, written once here; what differs between the two (how the
document is read and compared, how findings become diagnostics on one URI or on each cell, how
they reach the client) is a ``LintTarget`` (lsp/lint_target.py, lsp/notebooks.py).

* One pending lint per document: an edit cancels the pending one (debounce, ``debounceMs``) and
  a queued analysis; a running one finishes, but its result is dropped (``discarded``) if the
  document moved on.
* The analysis thread gets a frozen ``Snapshot`` (text, version, path, settings, configuration,
  incremental base), never the document state: what it learns (that it started, the new
  incremental base) is installed on the event loop with ``call_soon_threadsafe``, and the result
  by the awaiting task. ``DocState`` is thus changed on the event loop only.
* With ``enable`` off a document gets empty lists; a text over the size limit (``maxFileSizeKb``,
  mpguard.size_limit; a notebook's code cells count together) gets one information notice
  instead of an analysis; a text without a process API is answered inline (no thread hop); a
  huge text file is analysed in a child process (lsp/isolated.py).
* While the text does not parse, the last good findings that still fit stay (a file's, moved
  through the edits; a notebook's, in the cells unchanged since) and the syntax error is added.
* Type-aware checks (mpguard.typeaware) run on a slow lane after a quiet period; their findings
  stay while they still fit (a file's, moved through the edits; a notebook's, in unchanged cells).
* ``publish`` is the one way out: the target pushes (``publishDiagnostics``) or, for a file and
  a pull client, leaves it to the report ``textDocument/diagnostic`` returns.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types as lsp

from mpguard.config import Config
from mpguard.engine import Analysis, analyze, mentions_process_api, prepare_incremental
from mpguard.findings import Finding, Range, Severity
from mpguard.lsp.convert import diagnostic_field
from mpguard.lsp.isolated import ISOLATE_MIN_CHARS
from mpguard.lsp.lint_target import LintTarget, TextTarget, View
from mpguard.lsp.settings import Settings
from mpguard.size_limit import size_notice, size_over_limit

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.doc_state import DocState
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


@dataclass(frozen=True)
class Snapshot:
    """Everything an analysis reads, taken on the event loop."""

    uri: str
    version: Optional[int]
    text: str
    path: Optional[str]
    config: Config
    base: Optional[Analysis]  # the last analysis that parsed: re-parse only what changed


class Scheduler:
    def __init__(self, ls: "MpguardServer") -> None:
        self.ls = ls
        self._typeaware: Any = None
        self._typeaware_checked = False

    def target(self, uri: str) -> LintTarget:
        """The open notebook `uri`, else the text document `uri`."""
        notebook = self.ls.notebooks.target(uri)
        return notebook if notebook is not None else TextTarget(self.ls, uri)

    # -------------------------------------------------------------- scheduling
    def schedule(self, uri: str, delay: float) -> None:
        """Lint the text document or notebook `uri` after `delay` seconds, instead of any
        pending lint of it."""
        target = self.target(uri)
        st = target.state()
        if st is None:
            return
        if st.task is not None and not st.task.done():
            st.task.cancel()
        if target.isolate and self.ls.isolated.analysing(target.uri):
            view = target.view()  # (a notebook's joins its cells: not on every keystroke)
            self.ls.isolated.cancel_outdated(target.uri, view.text if view is not None else None)
        st.task = asyncio.ensure_future(self._lint(target, delay))

    def relint_all(self) -> None:
        for uri in [st.uri for st in self.ls.docs.values()] + [st.uri for st in self.ls.notebooks.states.values()]:
            self.schedule(uri, 0)

    # -------------------------------------------------------------- analysing (off the loop)
    def _started(self, st: "DocState", version: Optional[int]) -> None:
        """On the loop, when an analysis thread starts on a version (mpguard/debugStats)."""
        st.analyses += 1
        st.versions_analysed.append(version)
        self.ls.total_analyses += 1

    def _new_base(self, st: "DocState", base: Optional[Analysis], incremental: bool) -> None:
        """On the loop: the incremental base for the next analysis, even if this result is
        dropped (the next edit then still re-parses only what it changed)."""
        st.base = base
        if incremental:
            st.incremental += 1

    async def run_analysis(self, st: "DocState", snap: Snapshot, isolate: bool = True) -> Optional[Analysis]:
        """The analysis of `snap` on the analysis thread (with `isolate`, a child process for a
        huge text); None when the child was cancelled."""
        ls = self.ls
        loop = asyncio.get_running_loop()
        isolated = isolate and len(snap.text) >= ISOLATE_MIN_CHARS

        def work() -> Optional[Analysis]:
            loop.call_soon_threadsafe(self._started, st, snap.version)
            if isolated:
                # No syntax tree comes back: the next analysis in this process is a full one.
                loop.call_soon_threadsafe(self._new_base, st, None, False)
                return ls.isolated.analyze(snap.uri, snap.text, snap.path, snap.config)
            analysis = analyze_snapshot(snap)
            if analysis.model is not None:
                loop.call_soon_threadsafe(self._new_base, st, analysis, analysis.reparsed_statements is not None)
            return analysis

        return await loop.run_in_executor(ls.isolated_executor if isolated else ls.executor, work)

    # -------------------------------------------------------------- linting (on the loop)
    def snapshot(self, target: LintTarget, st: "DocState", view: View, settings: Settings) -> Snapshot:
        config = self.ls.config_for_doc(target.config_path(), settings)
        return Snapshot(target.uri, view.version, view.text, view.path, config, st.base)

    async def _lint(self, target: LintTarget, delay: float) -> None:
        ls = self.ls
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            st, view = target.state(), target.view()
            if st is None or view is None:
                return
            settings = ls.settings_for(target.uri)
            if not settings.enable:
                st.good, st.slow, st.syntax = [], [], []
                self.publish(target, view)
                return
            if self.publish_if_oversized(target, st, view, settings):
                return
            snap = self.snapshot(target, st, view, settings)  # its configuration may declare process APIs
            if not mentions_process_api(view.text, snap.config):
                self._lint_trivial(target, st, view, settings)
                return
            analysis = await self.run_analysis(st, snap, target.isolate)
            if target.state() is not st:
                return  # closed meanwhile
            if analysis is None or not target.holds(view):
                st.discarded += 1
                return
            for err in analysis.rule_errors:
                ls.warn([f"mpguard: rule failed and was skipped: {err}"], settings)
            self.apply_analysis(target, st, analysis, view, settings)
            self.publish(target, view)
            loop = asyncio.get_running_loop()
            if st.base is not None and st.base.model.layout is None:
                # off the edit -> diagnostics path: the next edit then re-parses incrementally at once
                loop.run_in_executor(ls.executor, prepare_incremental, st.base)
            self.schedule_slow(target, settings, view)
            ls.housekeeping.note(loop)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - never let a lint take the server down
            log.exception("linting %s failed", target.uri)

    def _lint_trivial(self, target: LintTarget, st: "DocState", view: View, settings: Settings) -> None:
        """A text without a process-API import: nothing to parse (the engine only runs its
        microsecond prefilter), so it is answered inline, without a thread hop, a configuration
        lookup, the type-aware lane or idle housekeeping."""
        self._started(st, view.version)
        analysis = analyze_snapshot(Snapshot(target.uri, view.version, view.text, view.path, Config(), None))
        self.apply_analysis(target, st, analysis, view, settings)
        self.publish(target, view)

    def lint_now_if_trivial(self, uri: str) -> bool:
        """Answer an edit of a text document without a process API right away (no task, no
        debounce); False when the document needs a real analysis."""
        ls = self.ls
        target = TextTarget(ls, uri)
        st, view = target.state(), target.view()
        if st is None or view is None:
            return False
        settings = ls.settings_for(uri)
        if self.oversized(view.text, target.config_path(), settings) is not None or mentions_process_api(view.text):
            return False
        if any(root in view.text for root in ls._declared_api_roots):
            return False  # (roots of `process-apis`: the configuration is not read here)
        if not settings.enable or settings.run != "onType":
            return False
        if st.task is not None and not st.task.done():
            st.task.cancel()
        try:
            self._lint_trivial(target, st, view, settings)
        except Exception:  # noqa: BLE001 - never let a lint take the server down
            log.exception("linting %s failed", uri)
        return True

    # -------------------------------------------------------------- the size limit
    def oversized(self, text: str, config_path: Optional[str], settings: Settings) -> Optional[Finding]:
        """The notice for a text over the size limit (``maxFileSizeKb``, mpguard.size_limit)."""
        limit = self.ls.config_for_doc(config_path, settings).max_file_size_kb
        size = size_over_limit(text, limit)
        if size is None:
            return None
        return Finding("MP000", "file-too-large", Severity.INFO, size_notice(size, limit, "maxFileSizeKb"),
                       Range.of(1, 0, 1, 0))

    def publish_if_oversized(self, target: LintTarget, st: "DocState", view: View, settings: Settings) -> bool:
        """Publish the one notice of a text over the size limit instead of analysing it (for a
        notebook: its code cells joined; the notice goes on the first one)."""
        notice = self.oversized(view.text, target.config_path(), settings)
        if notice is None:
            return False
        if target.isolate:
            self.ls.isolated.cancel_outdated(target.uri, None)
        # An analysis with no findings: code actions and fix commands find nothing to do.
        target.installed(st, Analysis(path=view.path, text=view.text), view)
        st.base = None
        st.good = target.diagnostics([notice], view)
        st.slow, st.syntax = [], []
        self.publish(target, view)
        return True

    # -------------------------------------------------------------- results -> diagnostics
    def apply_analysis(self, target: LintTarget, st: "DocState", analysis: Analysis, view: View,
                       settings: Settings) -> None:
        target.installed(st, analysis, view)
        if analysis.parsed:
            st.good = target.diagnostics(analysis.findings, view)
            st.syntax = []
            st.slow = target.slow_still_valid(st, view)
        else:
            # Keep the last good findings that still fit (a file's were moved through the edits;
            # a notebook's, in the cells unchanged since) and add the syntax error.
            st.good = target.still_valid(st, view)
            st.slow = target.slow_still_valid(st, view)
            err = analysis.syntax_error
            st.syntax = target.diagnostics([err], view) if err is not None and settings.show_syntax_errors else []

    @staticmethod
    def compose(st: "DocState") -> list[lsp.Diagnostic]:
        out = list(st.good) + list(st.syntax)
        seen = {(d.code, d.range.start.line, d.range.start.character, diagnostic_field(d, "uri")) for d in out}
        for d in st.slow:
            key = (d.code, d.range.start.line, d.range.start.character, diagnostic_field(d, "uri"))
            if key not in seen:
                out.append(d)
        return out

    def publish(self, target: LintTarget, view: View) -> None:
        """The one way out: `st.current` for `view`, handed to the client by the target."""
        st = target.state()
        if st is None:
            return
        st.current = target.inside(self.compose(st))
        st.current_version = view.version
        st.result_id += 1
        st.published_versions.append(view.version)
        target.send(st, view)

    # -------------------------------------------------------------- type-aware slow lane
    def typeaware_module(self) -> Any:
        if not self._typeaware_checked:
            self._typeaware_checked = True
            try:
                if importlib.util.find_spec("mpguard.typeaware") is not None:
                    self._typeaware = importlib.import_module("mpguard.typeaware")
            except Exception:  # noqa: BLE001
                log.exception("mpguard.typeaware could not be imported; type-aware checks are off")
                self._typeaware = None
        return self._typeaware

    def warm_up(self) -> None:
        ls = self.ls
        mod = self.typeaware_module()
        if mod is None or not hasattr(mod, "warm_up"):
            return
        s = ls.settings_for(None)
        root = None
        try:
            root = ls.workspace.root_path
        except Exception:  # noqa: BLE001
            pass

        def run() -> None:
            try:
                mod.warm_up(root, s.interpreter)
            except Exception:  # noqa: BLE001
                log.exception("type-aware warm-up failed")

        ls.slow_executor.submit(run)

    def schedule_slow(self, target: LintTarget, settings: Settings, view: View) -> None:
        if not settings.type_aware or self.typeaware_module() is None or len(view.text) >= ISOLATE_MIN_CHARS:
            return  # (jedi on a huge text would hold the GIL in this process for minutes)
        st = target.state()
        if st is None:
            return
        if st.slow_task is not None and not st.slow_task.done():
            st.slow_task.cancel()
        st.slow_task = asyncio.ensure_future(self._slow(target, settings, view))

    async def _slow(self, target: LintTarget, settings: Settings, view: View) -> None:
        ls = self.ls
        try:
            await asyncio.sleep(settings.type_aware_delay_ms / 1000)
            st = target.state()
            if st is None or not target.holds(view):
                return
            mod = self.typeaware_module()
            root = ls.root_for(target.uri)
            config = ls.config_for_doc(target.config_path(), settings)
            loop = asyncio.get_running_loop()
            budget = settings.type_aware_budget_ms / 1000
            st.slow_runs += 1

            def on_complete(findings: list) -> None:  # from the jedi thread, after the budget
                loop.call_soon_threadsafe(self._apply_slow, target, st, view, findings)

            def call() -> Any:
                return mod.analyze(view.text, view.path, root, settings.interpreter, budget_s=budget,
                                   config=config, on_complete=on_complete)

            fut = loop.run_in_executor(ls.slow_executor, call)
            try:
                result = await asyncio.wait_for(asyncio.shield(fut), budget + 2)
            except asyncio.TimeoutError:
                log.info("type-aware checks of %s exceeded %d ms; skipped", target.uri, settings.type_aware_budget_ms)
                return
            self._apply_slow(target, st, view, result)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001
            log.exception("type-aware checks of %s failed", target.uri)

    def _apply_slow(self, target: LintTarget, st: "DocState", view: View, result: Any) -> None:
        ls = self.ls
        try:
            if target.state() is not st or not target.holds(view):
                return  # outdated: never published
            findings = [f for f in getattr(result, "findings", result) or [] if isinstance(f, Finding)]
            new = target.diagnostics(findings, view)
            if [(d.code, d.range, d.message, diagnostic_field(d, "uri")) for d in new] == \
                    [(d.code, d.range, d.message, diagnostic_field(d, "uri")) for d in st.slow]:
                return
            st.slow = new
            target.slow_found(st, view)
            self.publish(target, view)
            ls.refresh_pull()
        except Exception:  # noqa: BLE001
            log.exception("publishing type-aware findings for %s failed", target.uri)


def analyze_snapshot(snap: Snapshot) -> Analysis:
    """`analyze` of a snapshot, with an internal-error finding instead of an exception."""
    try:
        return analyze(snap.text, snap.path, snap.config, previous=snap.base)
    except Exception as exc:  # noqa: BLE001 - the engine isolates rules; this is a last resort
        log.exception("analysis of %s failed", snap.path or snap.uri)
        from mpguard.analysis import internal_error_finding

        failed = Analysis(path=snap.path, text=snap.text)
        failed.findings = [internal_error_finding(f"mpguard internal error: {type(exc).__name__}: {exc}")]
        return failed
