"""The mpguard language server (pygls 2.x): the server object and its entry point.

Layout (docs/architecture.md, "The language server"; anchors: Ruff's ``ruff_server`` api/session
split and the pygls examples):

* ``lsp/handlers/``: one module per LSP method, module-level handlers registered here;
* ``lsp/session.py``: open documents, client capabilities (resolved once), settings (resolved
  per folder on configuration events only);
* ``lsp/scheduler.py``: the one lint/publish lifecycle of text documents and notebooks (debounce,
  a frozen snapshot for the analysis thread, results installed and published on the event loop;
  the size limit; the type-aware slow lane), with ``lsp/lint_target.py`` saying what differs
  between the two; ``lsp/doc_state.py``: ``DocState``;
* ``lsp/requests.py``: code actions, resolve and commands on a lane of their own, with a budget;
* ``lsp/actions.py`` and ``lsp/action_kinds.py``: code actions as data, one registry of kinds;
* ``lsp/notebooks.py``: notebook documents (one module, diagnostics per cell);
  ``lsp/isolated.py``: huge texts in a child process;
* ``lsp/text_sync.py``: LSP line breaks; ``lsp/runtime.py``: GC, heap trimming, thread stacks;
  ``lsp/pygls_leak.py``: the pygls future leak workaround.

Diagnostics are pushed, unless the client supports pull diagnostics (``textDocument/diagnostic``)
in which case the server registers ``diagnosticProvider`` and never pushes (no duplicates),
except for notebook cells: always pushed, and pulled as empty (see ``lsp/notebooks.py``). While
the buffer does not parse, the last good findings stay (moved through the edits; in a notebook,
those of the cells unchanged since) and the syntax error is reported too (``showSyntaxErrors``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

import mpguard
from mpguard.catalogue import CATALOGUE, docs_url
from mpguard.config import Config, config_for
from mpguard.engine import Analysis
from mpguard.lsp import notebooks as _notebooks
from mpguard.lsp import workspace_check as _workspace_check
from mpguard.lsp.action_kinds import FIX_ALL_KIND  # noqa: F401 - re-exported
from mpguard.lsp.actions import ActionSpec, collect_actions, is_noop  # noqa: F401 - re-exported
from mpguard.lsp.convert import LineIndex
from mpguard.lsp.doc_state import STATS_KEEP, DocState  # noqa: F401 - re-exported
from mpguard.lsp.documents import FolderDict
from mpguard.lsp.handlers.debug_stats import DEBUG_REQUEST  # noqa: F401 - re-exported
from mpguard.lsp.handlers.execute_command import (  # noqa: F401 - re-exported
    CMD_APPLY_FIX,
    CMD_DEBUG,
    CMD_FIX_ALL,
    CMD_SHOW_DOCS,
)
from mpguard.lsp.isolated import IsolatedAnalyzer
from mpguard.lsp.pygls_leak import ForgetFinishedFutures
from mpguard.lsp.requests import RESOLVE_BUDGET_S, RequestLane
from mpguard.lsp.runtime import Housekeeping, configure_process
from mpguard.lsp.scheduler import Scheduler
from mpguard.lsp.session import Session
from mpguard.lsp.settings import Settings, folder_path
from mpguard.lsp.text_sync import TextSyncProtocol, index_of
from mpguard.uris import uri_to_path

log = logging.getLogger("mpguard.lsp")


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


class _Protocol(ForgetFinishedFutures, TextSyncProtocol):
    """pygls's protocol with LSP text sync (lsp/text_sync.py), minus its future leak
    (lsp/pygls_leak.py)."""


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
        self.session = Session(self.warn)
        self.notebooks = _notebooks.NotebookSupport(self)  # notebook documents (lsp/notebooks.py)
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-analysis")
        self.slow_executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-typeaware")
        self.requests = RequestLane()  # code actions, resolve, commands: never behind `executor`
        self.isolated = IsolatedAnalyzer()  # huge texts, in a child process (lsp/isolated.py)
        self.isolated_executor = ThreadPoolExecutor(1, thread_name_prefix="mpguard-isolated")
        self.scheduler = Scheduler(self)
        self.housekeeping = Housekeeping(self.executor)  # GC and heap trim when idle (lsp/runtime.py)
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.loop_thread: Optional[int] = None
        self.connected = False
        self.client_log_level = logging.INFO
        self.pull_mode = False
        self._warned: set[str] = set()
        self._declared_api_roots: set[str] = set()  # modules of `process-apis` seen in any config
        self.total_analyses = 0

    @property
    def docs(self) -> dict[str, DocState]:
        return self.session.docs  # any spelling of a document's URI finds it

    # -------------------------------------------------------------- capabilities (resolved once)
    def supports_pull(self) -> bool:
        return self.session.features.pull_diagnostics

    def supports_resolve_edit(self) -> bool:
        return self.session.features.resolve_edit

    def supports_related(self) -> bool:
        return self.session.features.related_information

    def supports_document_changes(self) -> bool:
        return self.session.features.document_changes

    def markdown_ok(self) -> bool:
        return self.session.features.markdown_hover

    @property
    def codec(self):
        return self.workspace.position_codec

    # -------------------------------------------------------------- settings
    def _workspace_folders(self) -> list[str]:
        try:
            return [f.uri for f in self.workspace.folders.values()]
        except Exception:  # noqa: BLE001 - before initialize
            return []

    def _folder_for(self, uri: str) -> Optional[str]:
        return self.session.folder_for(uri, self._workspace_folders())

    def settings_for(self, uri: Optional[str]) -> Settings:
        return self.session.settings_for(uri, self._workspace_folders())

    def config_for_doc(self, path: Optional[str], settings: Settings) -> Config:
        try:
            base = config_for(path) if path else Config()
        except Exception:  # noqa: BLE001 - a broken pyproject must not break linting
            log.exception("reading the configuration for %s failed", path)
            base = Config()
        cfg = base.with_overrides(**settings.overrides) if settings.overrides else base
        self.warn(list(cfg.warnings), settings)
        self._declared_api_roots.update(api.name.split(".", 1)[0] for api in cfg.process_apis)
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
        if not self.session.features.configuration:
            return
        folders = self._workspace_folders()
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
        pulled_folders: dict[str, dict] = FolderDict()
        for folder, value in zip(folders, result[1:]):
            if isinstance(value, dict):
                pulled_folders[folder.rstrip("/")] = value
        self.session.set_pulled(result[0] if result and isinstance(result[0], dict) else None, pulled_folders)

    # -------------------------------------------------------------- documents and analysis
    def state(self, uri: str) -> DocState:
        st = self.docs.get(uri)
        if st is None:
            st = self.docs[uri] = DocState(uri)
        return st

    def schedule(self, uri: str, delay: float) -> None:
        self.scheduler.schedule(uri, delay)

    def relint_all(self) -> None:
        self.scheduler.relint_all()

    def lint_now_if_trivial(self, uri: str) -> bool:
        return self.scheduler.lint_now_if_trivial(uri)

    def compose(self, st: DocState) -> list[lsp.Diagnostic]:
        return self.scheduler.compose(st)

    def schedule_collection(self, loop: asyncio.AbstractEventLoop, analysed: bool = True) -> None:
        self.housekeeping.note(loop, analysed)

    def typeaware_module(self) -> Any:
        return self.scheduler.typeaware_module()

    def warm_up(self) -> None:
        self.scheduler.warm_up()

    def refresh_pull(self) -> None:
        if self.pull_mode and self.session.features.diagnostic_refresh:
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:  # noqa: BLE001
                log.exception("workspace/diagnostic/refresh failed")

    def path_of(self, uri: str) -> Optional[str]:
        return uri_to_path(uri)  # None for untitled: and other schemes

    def root_for(self, uri: str) -> Optional[str]:
        folder = self._folder_for(uri)
        if folder is not None:
            return folder_path(folder)
        try:
            return self.workspace.root_path
        except Exception:  # noqa: BLE001
            return None

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


def create_server() -> MpguardServer:
    from mpguard.lsp.handlers import register_all

    server = MpguardServer()
    _notebooks.register(server)
    register_all(server)
    _workspace_check.register(server)  # mpguard.checkWorkspace, workspace/diagnostic
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
    configure_process()  # GC thresholds, thread stacks (lsp/runtime.py)

    _setup_logging()
    logging.getLogger("mpguard").setLevel(getattr(logging, args.log_level.upper()))
    if unknown:
        log.warning("ignoring unknown arguments: %s", " ".join(unknown))

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
