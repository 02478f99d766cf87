"""The mpguard language server (pygls 2.x).

Design notes
------------
* Analysis (``mpguard.engine.analyze``) is pure and CPU-bound: it runs on one dedicated worker
  thread, never on the asyncio loop. Each URI has at most one pending lint task: a new edit
  cancels the pending task (debounce) and a queued-but-not-started analysis; a running analysis
  finishes but its result is dropped because the document version moved on. Results are only
  published when the document's version and text still equal the analysed snapshot.
* Diagnostics are pushed, unless the client supports pull diagnostics (``textDocument/diagnostic``)
  in which case the server registers ``diagnosticProvider`` and never pushes (no duplicates),
  except for notebook cells: always pushed, and pulled as empty (see ``lsp/notebooks.py``).
* While the buffer does not parse, the last good findings stay, moved through the edits, and the
  syntax error is reported too (``showSyntaxErrors``).
* Code-action edits are computed on demand against the *current* text (re-analysing if the text
  changed since the last analysis), inline for clients without ``codeAction/resolve`` (Eglot 1.9).
* A slow lane runs optional type-aware checks (``mpguard.typeaware``) after a quiet period.
* Requests never wait behind the analysis of edits: hover reads the last published diagnostics;
  code actions, resolve and commands run on a lane of their own with a time budget
  (``lsp/requests.py``). A huge text is analysed in a child process, killed when outdated
  (``lsp/isolated.py``). Text sync follows LSP line breaks (``lsp/text_sync.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import logging
import os
import re
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

import mpguard
from mpguard.catalogue import CATALOGUE, docs_url
from mpguard.config import Config, config_for, invalidate_cache
from mpguard.engine import Analysis, analyze, mentions_process_api, prepare_incremental
from mpguard.findings import Finding, Range, Safety, Severity
from mpguard.size_limit import size_notice, size_over_limit
from mpguard.uris import document_key, uri_to_path
from mpguard.lsp.documents import FolderDict, KeyedDict, adopt_workspace, best_folder, is_pyproject
from mpguard.lsp.convert import (
    SOURCE,
    LineIndex,
    contains,
    engine_ranges_overlap,
    finding_to_diagnostic,
    map_diagnostics,
    text_edit_to_client,
)
from mpguard.lsp import notebooks as _notebooks
from mpguard.lsp.commands import command_arguments
from mpguard.lsp.isolated import ISOLATE_MIN_CHARS, IsolatedAnalyzer
from mpguard.lsp.requests import CODE_ACTION_BUDGET_S, RESOLVE_BUDGET_S, RequestLane
from mpguard.lsp.text_sync import TextSyncProtocol, index_of, inside_document, register_debug_text
from mpguard.lsp.settings import Settings, apply_layer, folder_path, split_initialization_options
from mpguard import trust

log = logging.getLogger("mpguard.lsp")

FIX_ALL_KIND = "source.fixAll.mpguard"
CMD_APPLY_FIX = "mpguard.applyFix"
CMD_FIX_ALL = "mpguard.fixAll"
CMD_SHOW_DOCS = "mpguard.showRuleDocs"
CMD_DEBUG = "mpguard.debugInfo"
DEBUG_REQUEST = "mpguard/debugStats"

STATS_KEEP = 1000
GC_YOUNG_THRESHOLD = 10_000

_SUPPRESSION = re.compile(r"#\s*mpguard:\s*ignore(?:-file)?\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


# ------------------------------------------------------------------------------------------------
# per-document state


@dataclass
class DocState:
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


# ------------------------------------------------------------------------------------------------
# logging: stderr always, window/logMessage once the client is connected


class _ClientLogHandler(logging.Handler):
    LEVELS = {
        logging.ERROR: lsp.MessageType.Error,
        logging.WARNING: lsp.MessageType.Warning,
        logging.INFO: lsp.MessageType.Info,
        logging.DEBUG: lsp.MessageType.Log,
    }

    def __init__(self, server: "MpguardServer") -> None:
        super().__init__(logging.DEBUG)
        self.server = server
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        server = self.server
        if getattr(self._local, "busy", False) or server.loop is None or not server.connected:
            return
        if record.levelno < server.client_log_level:
            return
        try:
            self._local.busy = True
            msg = self.format(record)
            kind = lsp.MessageType.Log
            for level, t in sorted(self.LEVELS.items()):
                if record.levelno >= level:
                    kind = t
            params = lsp.LogMessageParams(type=kind, message=msg)
            if threading.get_ident() == server.loop_thread:
                server.window_log_message(params)
            else:
                server.loop.call_soon_threadsafe(server.window_log_message, params)
        except Exception:  # noqa: BLE001 - logging must never break the server
            pass
        finally:
            self._local.busy = False


# ------------------------------------------------------------------------------------------------


def _cap(obj: Any, dotted: str, default: Any = None) -> Any:
    for part in dotted.split("."):
        if obj is None:
            return default
        obj = getattr(obj, part, None)
    return default if obj is None else obj


def rule_markdown(code: str) -> Optional[str]:
    from mpguard.rules import all_rules

    code = code.upper()
    try:
        rules = all_rules()
    except Exception:  # noqa: BLE001
        log.exception("could not load the rules")
        rules = {}
    rule = rules.get(code)
    if rule is not None:
        try:
            return rule.documentation()
        except Exception:  # noqa: BLE001
            log.exception("documentation of %s failed", code)
    if code == "MP000":
        return (
            "# MP000 syntax-error\n\nmpguard could not parse this file, so it cannot check it. "
            "Until the file parses again the last findings are kept (moved with your edits).\n"
        )
    if code in CATALOGUE:
        name, severity = CATALOGUE[code]
        return f"# {code} {name}\n\nDefault severity: {severity.value}.\n\nDocs: {docs_url(code)}\n"
    return None


class _Protocol(TextSyncProtocol):
    """pygls's protocol, minus a leak of one or two futures per notification.

    pygls 2.1 files the future of every async/threaded/generator handler in ``_request_futures``
    under a fresh uuid for notifications and for each step of its generator handlers (didOpen,
    didChange, didClose, ...), but only requests' entries are ever removed (when the response is
    sent). Each didChange thus kept a finished asyncio Task and a concurrent Future (with their
    Condition, RLock, uuid key, ...) for good: ~3.5 kB of RSS per edit, +25 % over 10,000 edits
    of a big file. Drop each entry once its future is done. Cancelled futures are left alone: only
    ``lsp_shutdown`` (iterating the dict, where a synchronous pop would break it) and
    ``$/cancelRequest`` (which pops by itself) cancel them.
    """

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            futures = self._request_futures

            def forget(f: Any, msg_id: Any = msg_id) -> None:
                if not f.cancelled() and futures.get(msg_id) is f:
                    futures.pop(msg_id, None)

            future.add_done_callback(forget)


class MpguardServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "mpguard",
            mpguard.__version__,
            protocol_cls=_Protocol,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            notebook_document_sync=_notebooks.sync_options(),
            max_workers=4,
        )
        self.docs: dict[str, DocState] = KeyedDict()  # any spelling of a document's URI finds it
        self.notebooks = _notebooks.NotebookSupport(self)  # notebook documents (lsp/notebooks.py)
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-analysis")
        self.slow_executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-typeaware")
        self.requests = RequestLane()  # code actions, resolve, commands: never behind `executor`
        self.isolated = IsolatedAnalyzer()  # huge texts, in a child process (lsp/isolated.py)
        self.isolated_executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-isolated")
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.loop_thread: Optional[int] = None
        self.connected = False
        self.client_log_level = logging.INFO
        self.pull_mode = False
        self.init_global: Optional[dict] = None
        self.init_folders: dict[str, dict] = FolderDict()
        self.pulled_global: Optional[dict] = None
        self.pulled_folders: dict[str, dict] = FolderDict()
        self.pushed_settings: Optional[dict] = None  # didChangeConfiguration {"mpguard": {...}}
        self._warned: set[str] = set()
        self._typeaware: Any = None
        self._typeaware_checked = False
        self.total_analyses = 0

    # -------------------------------------------------------------- capabilities helpers
    @property
    def caps(self) -> lsp.ClientCapabilities:
        return self.client_capabilities

    def supports_pull(self) -> bool:
        return _cap(self.caps, "text_document.diagnostic") is not None

    def supports_resolve_edit(self) -> bool:
        props = _cap(self.caps, "text_document.code_action.resolve_support.properties", [])
        return "edit" in props

    def supports_related(self) -> bool:
        return bool(_cap(self.caps, "text_document.publish_diagnostics.related_information", False)) or (
            self.pull_mode and _cap(self.caps, "text_document.diagnostic.related_information", False)
        )

    def supports_document_changes(self) -> bool:
        return bool(_cap(self.caps, "workspace.workspace_edit.document_changes", False))

    def markdown_ok(self) -> bool:
        fmts = _cap(self.caps, "text_document.hover.content_format")
        return fmts is None or lsp.MarkupKind.Markdown in fmts

    @property
    def codec(self):
        return self.workspace.position_codec

    # -------------------------------------------------------------- settings
    def _folder_for(self, uri: str) -> Optional[str]:
        candidates = set(self.init_folders) | set(self.pulled_folders)
        try:
            candidates |= {f.uri for f in self.workspace.folders.values()}
        except Exception:  # noqa: BLE001
            pass
        return best_folder(uri, candidates)

    def settings_for(self, uri: Optional[str]) -> Settings:
        warnings: list[str] = []
        s = Settings()
        apply_layer(s, self.init_global, "initializationOptions", warnings)
        apply_layer(s, self.pulled_global, "workspace/configuration", warnings)
        apply_layer(s, self.pushed_settings, "workspace/didChangeConfiguration", warnings)
        folder = self._folder_for(uri) if uri else None
        if folder is not None:
            apply_layer(s, self.init_folders.get(folder), f"initializationOptions for {folder}", warnings)
            apply_layer(s, self.pulled_folders.get(folder), f"workspace/configuration for {folder}", warnings)
        self.warn(warnings, s)
        return s

    def config_for_doc(self, path: Optional[str], settings: Settings) -> Config:
        try:
            base = config_for(path) if path else Config()
        except Exception:  # noqa: BLE001 - a broken pyproject must not break linting
            log.exception("reading the configuration for %s failed", path)
            base = Config()
        cfg = base.with_overrides(**settings.overrides) if settings.overrides else base
        self.warn(list(cfg.warnings), settings)
        return cfg

    def warn(self, warnings: list[str], settings: Optional[Settings] = None) -> None:
        for w in warnings:
            if w in self._warned:
                continue
            self._warned.add(w)
            log.warning("%s", w)
            if self.connected and (settings or Settings()).notify_warnings():
                self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=w))

    def apply_log_level(self) -> None:
        s = self.settings_for(None)
        self.client_log_level = getattr(logging, s.log_level.upper(), logging.INFO)

    async def pull_configuration(self) -> None:
        if not _cap(self.caps, "workspace.configuration", False):
            return
        folders = []
        try:
            folders = [f.uri for f in self.workspace.folders.values()]
        except Exception:  # noqa: BLE001
            pass
        items = [lsp.ConfigurationItem(section="mpguard")]
        items += [lsp.ConfigurationItem(scope_uri=f, section="mpguard") for f in folders]
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(lsp.ConfigurationParams(items=items)), 10
            )
        except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps init settings
            log.warning("workspace/configuration failed: %s", exc)
            return
        result = list(result or [])
        self.pulled_global = result[0] if result and isinstance(result[0], dict) else None
        self.pulled_folders = FolderDict()
        for folder, value in zip(folders, result[1:]):
            if isinstance(value, dict):
                self.pulled_folders[folder.rstrip("/")] = value

    # -------------------------------------------------------------- lint scheduling
    def state(self, uri: str) -> DocState:
        st = self.docs.get(uri)
        if st is None:
            st = self.docs[uri] = DocState(uri)
        return st

    def schedule(self, uri: str, delay: float) -> None:
        st = self.docs.get(uri)
        if st is None:
            return
        if st.task is not None and not st.task.done():
            st.task.cancel()
        doc = self.workspace.text_documents.get(uri)
        self.isolated.cancel_outdated(uri, doc.source if doc is not None else None)
        st.task = asyncio.ensure_future(self._lint(uri, delay))

    def relint_all(self) -> None:
        for st in list(self.docs.values()):
            self.schedule(st.uri, 0)
        self.notebooks.relint_all()

    def _analyze_isolated_sync(self, st: DocState, version: Optional[int], text: str, path: Optional[str],
                               config: Config) -> Optional[Analysis]:
        """A huge text's analysis, in a child process (lsp/isolated.py); None when cancelled."""
        st.analyses += 1
        st.versions_analysed.append(version)
        self.total_analyses += 1
        st.base = None  # no syntax tree comes back: the next analysis in this process is a full one
        return self.isolated.analyze(st.uri, text, path, config)

    def _analyze_sync(self, st: DocState, version: Optional[int], text: str, path: Optional[str],
                      config: Config) -> Analysis:
        st.analyses += 1
        st.versions_analysed.append(version)
        self.total_analyses += 1
        try:
            analysis = analyze(text, path, config, previous=st.base)
            if analysis.model is not None:
                st.base = analysis
            if analysis.reparsed_statements is not None:
                st.incremental += 1
            return analysis
        except Exception as exc:  # noqa: BLE001 - the engine isolates rules; this is a last resort
            log.exception("analysis of %s failed", path or st.uri)
            from mpguard.analysis import internal_error_finding

            a = Analysis(path=path, text=text)
            a.findings = [internal_error_finding(f"mpguard internal error: {type(exc).__name__}: {exc}")]
            return a

    async def _lint(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            st = self.docs.get(uri)
            doc = self.workspace.text_documents.get(uri)
            if st is None or doc is None:
                return
            settings = self.settings_for(uri)
            if not settings.enable:
                st.good, st.slow, st.syntax = [], [], []
                self.publish(uri, doc.version)
                return
            text, version, path = doc.source, doc.version, self.path_of(uri)
            if self.publish_if_oversized(st, text, version, path, settings):
                return
            if not mentions_process_api(text):
                self._lint_trivial(st, text, version, path, settings)
                return
            config = self.config_for_doc(path, settings)
            loop = asyncio.get_running_loop()
            if len(text) >= ISOLATE_MIN_CHARS:
                analysis = await loop.run_in_executor(
                    self.isolated_executor, self._analyze_isolated_sync, st, version, text, path, config)
            else:
                analysis = await loop.run_in_executor(self.executor, self._analyze_sync, st, version, text, path, config)
            doc = self.workspace.text_documents.get(uri)
            if doc is None or self.docs.get(uri) is not st:
                return
            if analysis is None or doc.version != version or doc.source != text:
                st.discarded += 1
                return
            for err in analysis.rule_errors:
                self.warn([f"mpguard: rule failed and was skipped: {err}"], settings)
            self.apply_analysis(st, analysis, text, version, settings)
            self.publish(uri, version)
            if st.base is not None and st.base.model.layout is None:
                # off the edit -> diagnostics path: the next edit then re-parses incrementally at once
                loop.run_in_executor(self.executor, prepare_incremental, st.base)
            self.schedule_slow(uri, settings, text, version, path)
            self.schedule_collection(loop)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001 - never let a lint take the server down
            log.exception("linting %s failed", uri)

    def _lint_trivial(self, st: DocState, text: str, version: Optional[int], path: Optional[str],
                      settings: Settings) -> None:
        """A text without a process-API import: nothing to parse (the engine only runs its
        microsecond prefilter), so it is answered inline, without a thread hop, a configuration
        lookup, the type-aware lane or idle housekeeping."""
        analysis = self._analyze_sync(st, version, text, path, Config())
        self.apply_analysis(st, analysis, text, version, settings)
        self.publish(st.uri, version)

    def lint_now_if_trivial(self, uri: str) -> bool:
        """Answer an edit of a document without a process API right away (no task, no debounce);
        False when the document needs a real analysis."""
        st = self.docs.get(uri)
        doc = self.workspace.text_documents.get(uri)
        if st is None or doc is None:
            return False
        text = doc.source
        settings = self.settings_for(uri)
        if self.oversized(text, self.path_of(uri), settings) is not None or mentions_process_api(text):
            return False
        if not settings.enable or settings.run != "onType":
            return False
        if st.task is not None and not st.task.done():
            st.task.cancel()
        try:
            self._lint_trivial(st, text, doc.version, self.path_of(uri), settings)
        except Exception:  # noqa: BLE001 - never let a lint take the server down
            log.exception("linting %s failed", uri)
        return True

    def oversized(self, text: str, path: Optional[str], settings: Settings) -> Optional[Finding]:
        """The notice for a text over the size limit (``maxFileSizeKb``, mpguard.size_limit)."""
        limit = self.config_for_doc(path, settings).max_file_size_kb
        size = size_over_limit(text, limit)
        if size is None:
            return None
        return Finding("MP000", "file-too-large", Severity.INFO, size_notice(size, limit, "maxFileSizeKb"),
                       Range.of(1, 0, 1, 0))

    def publish_if_oversized(self, st: DocState, text: str, version: Optional[int], path: Optional[str],
                             settings: Settings) -> bool:
        """Publish the one notice of a text over the size limit instead of analysing it."""
        notice = self.oversized(text, path, settings)
        if notice is None:
            return False
        self.isolated.cancel_outdated(st.uri, None)
        # An analysis with no findings: code actions and fix commands find nothing to do.
        st.analysis, st.analysis_text, st.analysis_version = Analysis(path=path, text=text), text, version
        st.base = None
        st.good = [finding_to_diagnostic(notice, self.index_for(st.uri, text), st.uri, version, False)]
        st.slow, st.syntax = [], []
        self.publish(st.uri, version)
        return True

    # Housekeeping when the user pauses (no edit and no analysis for IDLE_S):
    # * A full garbage collection. The young-generation threshold is raised (GC_YOUNG_THRESHOLD,
    #   for speed), so automatic full collections are rare, and each analysis leaves its model
    #   behind as cyclic garbage (its records reference each other): without this, RSS grew ~30 %
    #   over 10,000 edits. It holds the GIL (~60-150 ms for a 6k-line file), which is why it
    #   waits for a real pause: every edit postpones it, so it never lands inside a burst.
    # * Trimming the glibc heap: large strings and trees are allocated and freed from the event
    #   loop and the analysis thread (two malloc arenas); freed memory stays mapped otherwise.
    #   malloc_trim releases the GIL. During long typing streaks the heap is also trimmed every
    #   TRIM_EVERY analyses (without the collection).
    IDLE_S = 1.0
    TRIM_EVERY = 25

    def schedule_collection(self, loop: asyncio.AbstractEventLoop, analysed: bool = True) -> None:
        if analysed:
            self._since_idle = getattr(self, "_since_idle", 0) + 1
            self._since_trim = getattr(self, "_since_trim", 0) + 1
        elif not getattr(self, "_since_idle", 0):
            return  # an edit with nothing to clean up after
        handle = getattr(self, "_idle_handle", None)
        if handle is not None:
            handle.cancel()
        if analysed and self._since_trim >= self.TRIM_EVERY:
            self._since_trim = 0
            if _MALLOC_TRIM is not None:
                loop.run_in_executor(self.executor, _MALLOC_TRIM, 0)
        self._idle_handle = loop.call_later(self.IDLE_S, self._idle, loop)

    def _idle(self, loop: asyncio.AbstractEventLoop) -> None:
        self._since_idle = self._since_trim = 0
        self._idle_handle = None
        loop.run_in_executor(self.executor, _idle_housekeeping)

    def apply_analysis(self, st: DocState, analysis: Analysis, text: str, version: Optional[int],
                       settings: Settings) -> None:
        st.analysis, st.analysis_text, st.analysis_version = analysis, text, version
        related = self.supports_related()
        if analysis.parsed:
            if analysis.findings:  # no line index for a clean file (most edits of most files)
                index = self.index_for(st.uri, text)
                st.good = [finding_to_diagnostic(f, index, st.uri, version, related) for f in analysis.findings]
            else:
                st.good = []
            st.syntax = []
        else:
            # Keep the last good findings (already moved through the edits) and add the syntax error.
            err = analysis.syntax_error
            st.syntax = (
                [finding_to_diagnostic(err, self.index_for(st.uri, text), st.uri, version, related)]
                if err is not None and settings.show_syntax_errors
                else []
            )

    def compose(self, st: DocState) -> list[lsp.Diagnostic]:
        out = list(st.good) + list(st.syntax)
        seen = {(d.code, d.range.start.line, d.range.start.character) for d in out}
        for d in st.slow:
            key = (d.code, d.range.start.line, d.range.start.character)
            if key not in seen:
                out.append(d)
        return out

    def publish(self, uri: str, version: Optional[int]) -> None:
        st = self.docs.get(uri)
        if st is None:
            return
        st.current = self.compose(st)
        doc = self.workspace.text_documents.get(uri)
        if doc is not None:  # every range inside the document, whatever moved it
            st.current = inside_document(st.current, self.index_for(uri, doc.source))
        st.current_version = version
        st.result_id += 1
        st.published_versions.append(version)
        if self.pull_mode:
            return
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=st.uri, diagnostics=st.current, version=version)
        )

    def refresh_pull(self) -> None:
        if self.pull_mode and _cap(self.caps, "workspace.diagnostics.refresh_support", False):
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:  # noqa: BLE001
                log.exception("workspace/diagnostic/refresh failed")

    def path_of(self, uri: str) -> Optional[str]:
        return uri_to_path(uri)  # None for untitled: and other schemes

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

    def root_for(self, uri: str) -> Optional[str]:
        folder = self._folder_for(uri)
        if folder is not None:
            return folder_path(folder)
        try:
            return self.workspace.root_path
        except Exception:  # noqa: BLE001
            return None

    def warm_up(self) -> None:
        mod = self.typeaware_module()
        if mod is None or not hasattr(mod, "warm_up"):
            return
        s = self.settings_for(None)
        root = None
        try:
            root = self.workspace.root_path
        except Exception:  # noqa: BLE001
            pass

        def run() -> None:
            try:
                mod.warm_up(root, s.interpreter)
            except Exception:  # noqa: BLE001
                log.exception("type-aware warm-up failed")

        self.slow_executor.submit(run)

    def schedule_slow(self, uri: str, settings: Settings, text: str, version: Optional[int],
                      path: Optional[str]) -> None:
        if not settings.type_aware or self.typeaware_module() is None or len(text) >= ISOLATE_MIN_CHARS:
            return  # (jedi on a huge text would hold the GIL in this process for minutes)
        st = self.docs.get(uri)
        if st is None:
            return
        if st.slow_task is not None and not st.slow_task.done():
            st.slow_task.cancel()
        st.slow_task = asyncio.ensure_future(self._slow(uri, settings, text, version, path))

    async def _slow(self, uri: str, settings: Settings, text: str, version: Optional[int],
                    path: Optional[str]) -> None:
        try:
            await asyncio.sleep(settings.type_aware_delay_ms / 1000)
            st = self.docs.get(uri)
            doc = self.workspace.text_documents.get(uri)
            if st is None or doc is None or doc.version != version:
                return
            mod = self.typeaware_module()
            root = self.root_for(uri)
            config = self.config_for_doc(path, settings)
            loop = asyncio.get_running_loop()
            budget = settings.type_aware_budget_ms / 1000
            st.slow_runs += 1

            def on_complete(findings: list) -> None:  # from the jedi thread, after the budget
                loop.call_soon_threadsafe(self._apply_slow, uri, st, text, version, findings)

            def call() -> Any:
                return mod.analyze(text, path, root, settings.interpreter, budget_s=budget,
                                   config=config, on_complete=on_complete)

            fut = loop.run_in_executor(self.slow_executor, call)
            try:
                result = await asyncio.wait_for(asyncio.shield(fut), budget + 2)
            except asyncio.TimeoutError:
                log.info("type-aware checks of %s exceeded %d ms; skipped", uri, settings.type_aware_budget_ms)
                return
            self._apply_slow(uri, st, text, version, result)
        except asyncio.CancelledError:
            return
        except Exception:  # noqa: BLE001
            log.exception("type-aware checks of %s failed", uri)

    def _apply_slow(self, uri: str, st: DocState, text: str, version: Optional[int], result: Any) -> None:
        try:
            doc = self.workspace.text_documents.get(uri)
            if doc is None or doc.version != version or doc.source != text or self.docs.get(uri) is not st:
                return  # outdated: never published
            findings = getattr(result, "findings", result) or []
            index = self.index_for(uri, text)
            new = [
                finding_to_diagnostic(f, index, uri, version, self.supports_related())
                for f in findings
                if isinstance(f, Finding)
            ]
            if [(d.code, d.range, d.message) for d in new] == [(d.code, d.range, d.message) for d in st.slow]:
                return
            st.slow = new
            self.publish(uri, version)
            self.refresh_pull()
        except Exception:  # noqa: BLE001
            log.exception("publishing type-aware findings for %s failed", uri)

    # -------------------------------------------------------------- analysis for requests
    async def analysis_for_current(self, uri: str, budget: float = RESOLVE_BUDGET_S
                                   ) -> tuple[Optional[Analysis], str, Optional[int]]:
        """An analysis of exactly the current text (analysed on the request lane if the document
        changed), or None once `budget` seconds ran out (see lsp/requests.py)."""
        return await self.requests.analysis(self, uri, budget)

    def index_for(self, uri: str, text: str) -> LineIndex:
        """A LineIndex of `text`, from the open document's line table when it holds that text."""
        return index_of(self.workspace.text_documents.get(uri), text, self.codec)

    def workspace_edit(self, uri: str, version: Optional[int], edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
        if self.supports_document_changes():
            return lsp.WorkspaceEdit(
                document_changes=[
                    lsp.TextDocumentEdit(
                        text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                        edits=edits,
                    )
                ]
            )
        return lsp.WorkspaceEdit(changes={uri: edits})


# ------------------------------------------------------------------------------------------------
# code actions (pure helpers, run on the analysis thread)


def _kind_wanted(kind: str, only: Optional[list[str]]) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


@dataclass
class ActionSpec:
    title: str
    kind: str
    code: Optional[str]
    edits: Callable[[], list]  # engine TextEdits against the analysed text
    preferred: bool = False
    finding: Optional[Finding] = None
    data: dict = field(default_factory=dict)


def _fix_all_text(text: str, path: Optional[str], config: Config) -> Optional[str]:
    from mpguard.fixer import fix_text

    result = fix_text(text, path, config)
    return result.text if result.changed and result.text != text else None


def collect_actions(
    analysis: Analysis,
    text: str,
    req,
    only: Optional[list[str]],
    context_diags: list[lsp.Diagnostic],
    index: LineIndex,
    path: Optional[str],
    config: Config,
) -> list[ActionSpec]:
    from mpguard.suppression import file_suppression_edit, line_suppression_edit
    from mpguard.textdiff import minimal_edits

    specs: list[ActionSpec] = []
    suppress: list[tuple[str, int]] = []  # (code, 1-based line), in order
    any_safe = False  # a safe fix under the cursor: offer fix-all in the plain lightbulb menu too
    for f in analysis.findings:
        if f.code == "MP000":
            continue
        if not engine_ranges_overlap(f.range, req):
            continue
        for fx in f.fixes:
            if fx.kind == "quickfix" and fx.safety is Safety.SAFE:
                any_safe = True
        for i, fx in enumerate(f.fixes):
            if not _kind_wanted(fx.kind, only):
                continue
            title = fx.title if fx.safety is Safety.SAFE else f"{fx.title} (unsafe)"
            specs.append(
                ActionSpec(
                    title=title,
                    kind=fx.kind,
                    code=f.code,
                    edits=(lambda fx=fx: list(fx.edits())),
                    preferred=fx.preferred,
                    finding=f,
                    data={"type": "fix", "id": fx.id, "code": f.code, "line": f.range.start.line,
                          "column": f.range.start.column, "index": i},
                )
            )
        if (f.code, f.range.start.line) not in suppress:
            suppress.append((f.code, f.range.start.line))
    # Convertible `with Pool(...)` blocks around the cursor, reported or not.
    if _kind_wanted("refactor.rewrite", only) and analysis.parsed:
        from mpguard.lsp.refactorings import pool_conversions

        have = {s.title for s in specs if s.kind.startswith("refactor")}
        for title, compute in pool_conversions(getattr(analysis, "model", None), req):
            if title in have or f"{title} (unsafe)" in have:
                continue

            def conv_edits(compute=compute) -> list:
                new = compute()
                return [] if new is None or new == text else minimal_edits(text, new)

            specs.append(ActionSpec(title=title, kind="refactor.rewrite", code=None, edits=conv_edits,
                                    data={"type": "convertPool", "line": req.start.line,
                                          "column": req.start.column}))
    # Diagnostics the editor holds for this range (maybe stale while the file does not parse).
    for d in context_diags:
        if d.source != SOURCE or not isinstance(d.code, str) or d.code == "MP000":
            continue
        line = index.from_client(d.range.start).line
        if (d.code, line) not in suppress:
            suppress.append((d.code, line))
    if _kind_wanted("quickfix", only):
        for code, line in suppress:
            specs.append(
                ActionSpec(
                    title=f"Disable {code} for this line",
                    kind="quickfix",
                    code=code,
                    edits=(lambda code=code, line=line: [line_suppression_edit(text, line, code)]),
                    data={"type": "disableLine", "code": code, "line": line},
                )
            )
        for code in dict.fromkeys(c for c, _ in suppress):
            specs.append(
                ActionSpec(
                    title=f"Disable {code} for this file",
                    kind="quickfix",
                    code=code,
                    edits=(lambda code=code: [file_suppression_edit(text, code)]),
                    data={"type": "disableFile", "code": code},
                )
            )
    if analysis.parsed and (
        (only and _kind_wanted(FIX_ALL_KIND, only) and any(FIX_ALL_KIND.startswith(o) for o in only))
        or (not only and any_safe)
    ):
        def fix_all_edits() -> list:
            new = _fix_all_text(text, path, config)
            return [] if new is None else minimal_edits(text, new)

        specs.append(
            ActionSpec(
                title="mpguard: Fix all auto-fixable problems",
                kind=FIX_ALL_KIND,
                code=None,
                edits=fix_all_edits,
                data={"type": "fixAll"},
            )
        )
    return specs


def _is_noop(edits: list) -> bool:
    return all(e.new_text == "" and e.range.start == e.range.end for e in edits)


# ------------------------------------------------------------------------------------------------
# the server object and its handlers


def _load_malloc_trim():
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _load_malloc_trim()


def _idle_housekeeping() -> None:
    import gc

    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def create_server() -> MpguardServer:
    server = MpguardServer()
    _notebooks.register(server)

    # ---------------------------------------------------------------- lifecycle
    @server.feature(lsp.INITIALIZE)
    def on_initialize(ls: MpguardServer, params: lsp.InitializeParams) -> None:
        options = trust.configure_from_initialize(params)  # workspaceTrusted: see mpguard.trust
        g, folders, warnings = split_initialization_options(options)
        ls.init_global, ls.init_folders = g, folders
        ls.pull_mode = ls.supports_pull()
        adopt_workspace(ls.workspace)  # documents, notebooks and folders keyed by mpguard.uris
        if ls.pull_mode:
            # Registered here so the capability is computed with it (pygls builds capabilities
            # after this handler); pushing stays off for this client: no duplicates.
            server.feature(
                lsp.TEXT_DOCUMENT_DIAGNOSTIC,
                lsp.DiagnosticOptions(identifier="mpguard", inter_file_dependencies=False,
                                      workspace_diagnostics=False),
            )(on_pull_diagnostics)
        ls._pending_warnings = warnings  # type: ignore[attr-defined]
        log.info(
            "mpguard %s initializing (client %s, %s diagnostics, position encoding %s)",
            mpguard.__version__,
            getattr(params.client_info, "name", "?"),
            "pull" if ls.pull_mode else "push",
            ls.workspace.position_encoding,
        )

    @server.feature(lsp.INITIALIZED)
    async def on_initialized(ls: MpguardServer, params: lsp.InitializedParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls.loop_thread = threading.get_ident()
        ls.connected = True
        ls.apply_log_level()
        ls.warn(getattr(ls, "_pending_warnings", []), ls.settings_for(None))
        await ls.pull_configuration()
        ls.apply_log_level()
        registrations = []
        if _cap(ls.caps, "workspace.did_change_watched_files.dynamic_registration", False):
            registrations.append(
                lsp.Registration(
                    id="mpguard-pyproject-watcher",
                    method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=lsp.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                    ),
                )
            )
        if _cap(ls.caps, "workspace.did_change_configuration.dynamic_registration", False):
            registrations.append(
                lsp.Registration(
                    id="mpguard-configuration",
                    method=lsp.WORKSPACE_DID_CHANGE_CONFIGURATION,
                    register_options=lsp.DidChangeConfigurationRegistrationOptions(section="mpguard"),
                )
            )
        if registrations:
            try:
                await asyncio.wait_for(
                    ls.client_register_capability_async(lsp.RegistrationParams(registrations=registrations)), 10
                )
            except Exception as exc:  # noqa: BLE001
                log.warning("dynamic registration failed: %s", exc)
        ls.warm_up()
        # Documents opened before the pulled configuration arrived are re-linted with it.
        if ls.pulled_global or ls.pulled_folders:
            ls.relint_all()

    @server.feature(lsp.EXIT)
    def on_exit(ls: MpguardServer, params: Any) -> None:
        # Background threads (jedi warm-up, an analysis of a huge file) must not keep the process
        # alive after `exit`: pygls exits normally right after this; force it if that stalls.
        code = 0 if getattr(ls.protocol, "_shutdown", False) else 1
        timer = threading.Timer(0.5, os._exit, [code])
        timer.daemon = True
        timer.start()

    @server.feature(lsp.SHUTDOWN)
    def on_shutdown(ls: MpguardServer, params: Any) -> None:
        for st in ls.docs.values():
            for t in (st.task, st.slow_task):
                if t is not None and not t.done():
                    t.cancel()
        ls.notebooks.cancel_all()
        ls.executor.shutdown(wait=False, cancel_futures=True)
        ls.slow_executor.shutdown(wait=False, cancel_futures=True)
        ls.requests.shutdown()
        ls.isolated_executor.shutdown(wait=False, cancel_futures=True)

    # ---------------------------------------------------------------- documents
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def on_open(ls: MpguardServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.state(params.text_document.uri)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(ls: MpguardServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        st = ls.docs.get(uri)
        if st is None:
            return
        units = ls.codec.client_num_units
        try:
            st.good = map_diagnostics(st.good, params.content_changes, units)
            st.slow = map_diagnostics(st.slow, params.content_changes, units)
            st.syntax = map_diagnostics(st.syntax, params.content_changes, units)
            # A whole-text change cannot move diagnostics: until the next analysis they stay, but
            # inside the new text (hover and pull read `current`, so it must fit the text now).
            doc = ls.workspace.text_documents.get(uri)
            st.current = ls.compose(st)
            if doc is not None:
                st.current = inside_document(st.current, ls.index_for(uri, doc.source))
            st.result_id += 1
        except Exception:  # noqa: BLE001
            log.exception("mapping diagnostics through an edit failed")
        if ls.lint_now_if_trivial(uri):
            return
        ls.schedule_collection(asyncio.get_running_loop(), analysed=False)  # not idle yet
        settings = ls.settings_for(uri)
        if settings.run == "onType":
            ls.schedule(uri, settings.debounce_ms / 1000)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def on_save(ls: MpguardServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if is_pyproject(uri):
            invalidate_cache()
            ls.relint_all()
            return
        if uri in ls.docs and ls.settings_for(uri).run == "onSave":
            ls.schedule(uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def on_close(ls: MpguardServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        st = ls.docs.pop(uri, None)
        ls.isolated.cancel_outdated(uri, None)
        if st is not None:
            for t in (st.task, st.slow_task):
                if t is not None and not t.done():
                    t.cancel()
        if not ls.pull_mode:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ---------------------------------------------------------------- pull diagnostics
    async def on_pull_diagnostics(ls: MpguardServer, params: lsp.DocumentDiagnosticParams):
        uri = params.text_document.uri
        if ls.notebooks.is_cell(uri):
            # Cell diagnostics are pushed, to pull clients too (vscode-languageclient 9 never pulls
            # cells); a pull gets an empty report so a client that does pull cells (languageclient
            # 10) does not show them twice: VS Code keeps pushed and pulled ones apart.
            return lsp.RelatedFullDocumentDiagnosticReport(items=[], result_id="pushed")
        st = ls.docs.get(uri)
        if st is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[], result_id="closed")
        deadline = time.monotonic() + 10
        while st.task is not None and not st.task.done() and time.monotonic() < deadline:
            task = st.task
            await asyncio.wait([task], timeout=max(0.0, deadline - time.monotonic()))
        result_id = f"{id(st)}-{st.result_id}"
        if params.previous_result_id == result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(items=list(st.current), result_id=result_id)

    # ---------------------------------------------------------------- configuration
    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_config(ls: MpguardServer, params: lsp.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("mpguard"), dict):
            ls.pushed_settings = settings["mpguard"]
        await ls.pull_configuration()
        ls.apply_log_level()
        log.info("configuration changed; re-linting %d open documents", len(ls.docs))
        ls.relint_all()
        await asyncio.sleep(0)
        ls.refresh_pull()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def on_watched(ls: MpguardServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(is_pyproject(c.uri) for c in params.changes):
            invalidate_cache()
            log.info("pyproject.toml changed; re-linting %d open documents", len(ls.docs))
            ls.relint_all()
            ls.refresh_pull()

    # ---------------------------------------------------------------- code actions
    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[
                lsp.CodeActionKind.QuickFix,
                lsp.CodeActionKind.RefactorRewrite,
                FIX_ALL_KIND,
            ],
            resolve_provider=True,
        ),
    )
    async def on_code_action(ls: MpguardServer, params: lsp.CodeActionParams):
        try:
            return await _code_actions(ls, params)
        except Exception:  # noqa: BLE001
            log.exception("code actions for %s failed", params.text_document.uri)
            return []

    async def _code_actions(ls: MpguardServer, params: lsp.CodeActionParams):
        uri = params.text_document.uri
        if ls.notebooks.is_cell(uri):
            return await ls.notebooks.code_actions(params)  # edits computed inline, per cell
        if uri not in ls.workspace.text_documents:
            return []
        settings = ls.settings_for(uri)
        if not settings.enable:
            return []
        analysis, text, version = await ls.analysis_for_current(uri, CODE_ACTION_BUDGET_S)
        if analysis is None:
            return []
        index = ls.index_for(uri, text)
        req = index.range_from_client(params.range)
        only = list(params.context.only) if params.context and params.context.only else None
        context_diags = list(params.context.diagnostics or []) if params.context else []
        path = ls.path_of(uri)
        config = ls.config_for_doc(path, settings)
        lazy = ls.supports_resolve_edit()

        def build() -> list:
            specs = collect_actions(analysis, text, req, only, context_diags, index, path, config)
            out = []
            for spec in specs:
                if lazy and spec.kind != "quickfix" or (lazy and spec.data.get("type") == "fix"):
                    edits = None
                else:
                    edits = spec.edits()
                    if not edits or _is_noop(edits):
                        continue
                out.append((spec, edits))
            return out

        built = await ls.requests.run(build)
        doc = ls.workspace.text_documents.get(uri)
        if doc is None or doc.source != text:
            return []  # the document changed while we computed: no edit is better than a corrupt one
        by_diag = _diagnostic_lookup(ls.docs.get(uri), context_diags)
        actions = []
        for spec, edits in built:
            diags = None
            if spec.kind == "quickfix" and spec.code:
                line = spec.data.get("line")
                diags = [d for d in by_diag if d.code == spec.code and
                         (line is None or index.from_client(d.range.start).line == line)] or None
                if diags is None and spec.finding is not None:
                    diags = [finding_to_diagnostic(spec.finding, index, uri, version, ls.supports_related())]
            action = lsp.CodeAction(
                title=spec.title,
                kind=spec.kind,
                diagnostics=diags,
                is_preferred=True if spec.preferred else None,
            )
            if edits is None:
                action.data = {**spec.data, "uri": uri, "version": version}
            else:
                action.edit = ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits])
            actions.append(action)
        return actions

    def _diagnostic_lookup(st: Optional[DocState], context: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
        out = [d for d in context if d.source == SOURCE]
        if st is not None:
            out += list(st.current)
        return out

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    async def on_resolve(ls: MpguardServer, action: lsp.CodeAction) -> lsp.CodeAction:
        try:
            data = action.data if isinstance(action.data, dict) else {}
            uri = data.get("uri")
            if not uri or uri not in ls.workspace.text_documents or ls.notebooks.is_cell(uri):
                return action
            edits, version, text = await _resolve_edits(ls, uri, data)
            if edits:
                index = ls.index_for(uri, text)
                action.edit = ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits])
            return action
        except Exception:  # noqa: BLE001
            log.exception("resolving a code action failed")
            return action

    async def _resolve_edits(ls: MpguardServer, uri: str, data: dict) -> tuple[list, Optional[int], str]:
        """Engine edits for an action described by `data`, against the current text."""
        analysis, text, version = await ls.analysis_for_current(uri)
        if analysis is None:
            return [], version, text
        kind = data.get("type")
        settings = ls.settings_for(uri)
        path = ls.path_of(uri)
        config = ls.config_for_doc(path, settings)

        def compute() -> list:
            from mpguard.suppression import file_suppression_edit, line_suppression_edit
            from mpguard.textdiff import minimal_edits

            if kind == "fixAll":
                new = _fix_all_text(text, path, config)
                return [] if new is None else minimal_edits(text, new)
            if kind == "disableLine":
                return [line_suppression_edit(text, int(data["line"]), str(data["code"]))]
            if kind == "disableFile":
                return [file_suppression_edit(text, str(data["code"]))]
            if kind == "convertPool":
                from mpguard.findings import Position as P
                from mpguard.lsp.refactorings import pool_conversions

                at = P(int(data.get("line", 1)), int(data.get("column", 0)))
                for _title, compute in pool_conversions(getattr(analysis, "model", None), Range(at, at)):
                    new = compute()
                    return [] if new is None else minimal_edits(text, new)
                return []
            if kind == "fix" and data.get("id"):
                # The fix handed out with this id, in this text version; none if the text moved.
                fix = analysis.fix_by_id(str(data["id"]))
                return [] if fix is None else list(fix.edits())
            if kind == "fix":  # `mpguard.applyFix` with {code, line, index}: the nearest finding
                code, line = data.get("code"), int(data.get("line", 0))
                candidates = [f for f in analysis.findings if f.code == code]
                # Same start if the text did not move, else the nearest finding of that code.
                candidates.sort(key=lambda f: (abs(f.range.start.line - line),
                                               abs(f.range.start.column - int(data.get("column", 0)))))
                for f in candidates[:1]:
                    idx = int(data.get("index", 0))
                    if 0 <= idx < len(f.fixes):
                        return list(f.fixes[idx].edits())
            return []

        edits = await ls.requests.run(compute)
        doc = ls.workspace.text_documents.get(uri)
        if doc is None or doc.source != text or _is_noop(edits):
            return [], version, text
        return edits, version, text

    # ---------------------------------------------------------------- commands
    @server.command(CMD_APPLY_FIX)
    async def cmd_apply_fix(ls: MpguardServer, *args: Any):
        """Arguments: {uri, code, line, index?} (or uri, code, line): apply that finding's fix."""
        data = command_arguments(CMD_APPLY_FIX, args)
        data.setdefault("type", "fix")
        return await _apply(ls, data, "mpguard: apply fix")

    @server.command(CMD_FIX_ALL)
    async def cmd_fix_all(ls: MpguardServer, *args: Any):
        """Arguments: {uri} or uri: apply every safe fix, to a fixed point."""
        data = command_arguments(CMD_FIX_ALL, args)
        data["type"] = "fixAll"
        return await _apply(ls, data, "mpguard: fix all")

    @server.command(CMD_SHOW_DOCS)
    async def cmd_show_docs(ls: MpguardServer, *args: Any):
        """Arguments: code. Returns {code, url, markdown} and asks the client to open the docs URL."""
        data = command_arguments(CMD_SHOW_DOCS, args)
        code = data["code"].upper()
        md = rule_markdown(code)
        if md is None:
            return {"code": code, "error": f"unknown rule code {code}"}
        if _cap(ls.caps, "window.show_document.support", False) and data.get("open", True):
            try:
                ls.window_show_document(lsp.ShowDocumentParams(uri=docs_url(code), external=True))
            except Exception:  # noqa: BLE001
                pass
        return {"code": code, "url": docs_url(code), "markdown": md}

    @server.command(CMD_DEBUG)
    async def cmd_debug(ls: MpguardServer, *args: Any):
        return _debug_stats(ls, None)

    async def _apply(ls: MpguardServer, data: dict, label: str):
        uri = data.get("uri")
        if not isinstance(uri, str) or uri not in ls.workspace.text_documents:
            return {"applied": False, "reason": "document is not open"}
        if ls.notebooks.is_cell(uri):
            return {"applied": False, "reason": "not supported for notebook cells; use the code actions"}
        edits, version, text = await _resolve_edits(ls, uri, data)
        if not edits:
            return {"applied": False, "reason": "nothing to fix"}
        index = ls.index_for(uri, text)
        result = await ls.workspace_apply_edit_async(
            lsp.ApplyWorkspaceEditParams(
                edit=ls.workspace_edit(uri, version, [text_edit_to_client(e, index) for e in edits]),
                label=label,
            )
        )
        return {"applied": bool(getattr(result, "applied", False))}

    # ---------------------------------------------------------------- hover
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: MpguardServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        try:
            return _hover(ls, params)
        except Exception:  # noqa: BLE001
            log.exception("hover failed")
            return None

    def _hover(ls: MpguardServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
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
                    md = rule_markdown(cm.group(0))
                    if md is None:
                        md = f"Unknown rule code `{cm.group(0)}`."
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
        parts = []
        seen = set()
        for d in hits:
            code = str(d.code)
            parts.append(f"**{code}** {d.message}")
            if code not in seen:
                seen.add(code)
                md = rule_markdown(code)
                if md:
                    parts.append(md)
        return lsp.Hover(contents=lsp.MarkupContent(kind=kind, value="\n\n---\n\n".join(parts)), range=hits[0].range)

    # ---------------------------------------------------------------- instrumentation
    register_debug_text(server)

    @server.feature(DEBUG_REQUEST)
    def on_debug(ls: MpguardServer, params: Any):
        uri = None
        if isinstance(params, dict):
            uri = params.get("uri")
        else:
            uri = getattr(params, "uri", None)
        return _debug_stats(ls, uri)

    def _debug_stats(ls: MpguardServer, uri: Optional[str]) -> dict:
        docs = []
        for st in ls.docs.values():
            if uri is not None and document_key(st.uri) != document_key(uri):
                continue
            docs.append({
                "uri": st.uri,
                "analyses": st.analyses,
                "versionsAnalysed": list(st.versions_analysed),
                "publishedVersions": list(st.published_versions),
                "discarded": st.discarded,
                "slowRuns": st.slow_runs,
                "incrementalAnalyses": st.incremental,
                "diagnostics": len(st.current),
            })
        docs += [d for d in ls.notebooks.debug_entries() if uri is None or document_key(d["uri"]) == document_key(uri)]
        return {
            "version": mpguard.__version__,
            "pullMode": ls.pull_mode,
            "positionEncoding": str(ls.workspace.position_encoding),
            "totalAnalyses": ls.total_analyses,
            "typeAware": ls.typeaware_module() is not None,
            "documents": docs,
        }

    return server


# ------------------------------------------------------------------------------------------------
# entry point


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # pygls logs every message body at INFO ("Sending data: ..."): keep it quiet.
    for name in ("pygls", "pygls.protocol", "pygls.server", "pygls.feature_manager"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="mpguard server", description="Run the mpguard language server.")
    parser.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout (the default)")
    parser.add_argument("--tcp", action="store_true", help="listen on a TCP port instead of stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2087)
    parser.add_argument("--log-level", default="info", choices=["error", "warning", "info", "debug"])
    args, unknown = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    import gc

    gc.freeze()  # start-up objects (pygls, lsprotocol, libcst) never need scanning again
    # A parse allocates hundreds of thousands of (acyclic) libcst nodes. With CPython's default
    # young-generation threshold (700) each of them is scanned by several young collections,
    # which made up ~45 % of an incremental analysis of a 6k-line file (604 -> 336 ms with 10,000;
    # full re-parse 1,125 -> 708 ms). Full collections keep their relative rhythm.
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)

    _setup_logging()
    logging.getLogger("mpguard").setLevel(getattr(logging, args.log_level.upper()))
    if unknown:
        log.warning("ignoring unknown arguments: %s", " ".join(unknown))
    # libcst and the engine recurse per nesting level; give analysis threads a deep stack so a
    # pathological file produces a diagnostic rather than a crash.
    try:
        threading.stack_size(256 * 1024 * 1024)
    except (ValueError, RuntimeError):  # pragma: no cover - platform limits
        pass

    server = create_server()
    client_handler = _ClientLogHandler(server)
    client_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("mpguard").addHandler(client_handler)

    if args.tcp:
        server.start_tcp(args.host, args.port)
        return 0
    # stdout is the protocol: keep a handle on the real one and send stray prints to stderr.
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    server.start_io(stdin, stdout)
    return 0
