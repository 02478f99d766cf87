"""Whole-workspace diagnostics: the `mpguard.checkWorkspace` command and `workspace/diagnostic`.

* `mpguard.checkWorkspace` (*mpguard: Check Workspace* in VS Code) checks every file that
  `mpguard check` would check in the workspace folders, with `$/progress` (server-created
  `window/workDoneProgress`, cancellable) when the client supports it. Push clients get
  `publishDiagnostics` for the closed files as each one is done; pull clients get a
  `workspace/diagnostic/refresh` and read them through `workspace/diagnostic`. It answers
  `{"files", "checked", "findings", "analysed", "cancelled"}` ("analysed": neither
  skipped by the prefilter nor found in the cache).
* `workspace/diagnostic` reports the closed files of the workspace once a check has been asked
  for in the session (as Pylance and ty answer nothing outside their "workspace" mode: VS Code
  pulls it every two seconds, and the whole tree is not analysed unasked). Before that it only
  clears the documents the client has just closed. Each file's result id
  is its stamp (modification time, size, settings): a file whose id the client sent back is
  `unchanged`; a file whose stamp moved is checked again. With a `partialResultToken` the
  reports stream as `$/progress` batches and the response is empty.
* Open documents are never reported from disk: their live diagnostics (from the buffer) stay.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types as lsp

from mpguard.lsp.convert import LineIndex, finding_to_diagnostic
from mpguard.lsp.documents import KeyedDict
from mpguard.lsp.settings import folder_path
from mpguard.lsp.workspace_engine import (
    CheckedFile,
    Root,
    WorkspaceEngine,
    discover_roots,
    file_stamp,
    finding_from_json,
)
from mpguard.uris import document_key, path_to_uri

if TYPE_CHECKING:
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")

CMD_CHECK_WORKSPACE = "mpguard.checkWorkspace"
PROGRESS_TITLE = "mpguard: Check Workspace"
REPORT_EVERY_S = 0.1  # progress reports at most this often (each file would flood the client)
PARTIAL_BATCH = 50  # workspace/diagnostic reports per $/progress partial result
CLOSED = "closed"  # result id of the empty report of a closed document outside the checked files


class WorkspaceDiagnostics:
    """What the server knows about closed files: the last result of each, by URI."""

    def __init__(self, server: "MpguardServer") -> None:
        self.server = server
        self.engine = WorkspaceEngine()
        self.results: dict[str, CheckedFile] = KeyedDict()
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = KeyedDict()
        self.pushed: set[str] = set()  # closed files whose pushed diagnostics are not empty
        self.enabled = False  # a check was asked for: workspace/diagnostic reports the workspace
        self.running = False

    # ------------------------------------------------------------------ the workspace
    def roots(self) -> list[Root]:
        ls = self.server
        uris: list[str] = []
        try:
            uris = [f.uri for f in ls.workspace.folders.values()]
        except Exception:  # noqa: BLE001
            pass
        folders = [(uri, folder_path(uri)) for uri in uris]
        if not any(path for _, path in folders) and ls.workspace.root_path:
            folders = [(path_to_uri(ls.workspace.root_path), ls.workspace.root_path)]
        roots = []
        for uri, path in folders:
            if path is not None:
                settings = ls.settings_for(uri)  # the folder's editor settings, as for its open files
                roots.append(Root(path, dict(settings.overrides), settings.enable))
        return roots

    def is_open(self, uri: str) -> bool:
        return uri in self.server.docs or self.server.workspace.text_documents.get(uri) is not None

    async def discover(self):
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(self.engine.threads, discover_roots, self.roots())
        self.server.warn(found.config_errors)
        return found

    def store(self, result: CheckedFile) -> str:
        """Keep `result` and its diagnostics; the file's URI."""
        uri = path_to_uri(result.path)
        self.results[uri] = result
        self.diagnostics[uri] = self.to_diagnostics(uri, result)
        for warning in result.warnings:
            if "internal error" in warning:  # a rule failed on one file: the log, not a pop-up
                log.warning("%s", warning)
            else:
                self.server.warn([warning])  # configuration warnings, said once
        if result.error:
            log.warning("%s", result.error)
        return uri

    def to_diagnostics(self, uri: str, result: CheckedFile) -> list[lsp.Diagnostic]:
        if not result.findings:
            return []
        index = LineIndex(result.text or "", self.server.codec)
        related = self.server.supports_related()
        return [finding_to_diagnostic(finding_from_json(f), index, uri, None, related) for f in result.findings]

    def push(self, uri: str) -> None:
        """Publish a closed file's diagnostics (push clients); an open one keeps its live ones."""
        if self.server.pull_mode or self.is_open(uri):
            return
        diagnostics = self.diagnostics.get(uri, [])
        key = document_key(uri)
        if not diagnostics and key not in self.pushed:
            return  # nothing shown, nothing to clear
        self.server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        if diagnostics:
            self.pushed.add(key)
        else:
            self.pushed.discard(key)

    def forget_missing(self, present: set[str]) -> list[str]:
        """Drop files no longer in the workspace (deleted, now excluded); their URIs."""
        gone = [uri for uri in self.results if uri not in present]
        for uri in gone:
            self.results.pop(uri, None)
            self.diagnostics[uri] = []
            self.push(uri)
            self.diagnostics.pop(uri, None)
        return gone

    # ------------------------------------------------------------------ the command
    async def check_command(self, *args: Any) -> dict:
        if self.running:
            self.server.window_show_message(lsp.ShowMessageParams(
                type=lsp.MessageType.Info, message="mpguard is already checking the workspace."))
            return {"files": 0, "checked": 0, "findings": 0, "analysed": 0, "cancelled": False,
                    "alreadyRunning": True}
        self.running = True
        self.enabled = True
        progress = await _Progress.create(self.server)
        try:
            return await self._check_all(progress)
        finally:
            self.running = False
            progress.close()
            self.server.refresh_pull()

    async def _check_all(self, progress: "_Progress") -> dict:
        started, analysed_before = time.monotonic(), self.engine.analysed
        progress.begin("Finding Python files")
        found = await self.discover()
        total = len(found.files)
        counts = {"checked": 0, "findings": 0, "files_with_findings": 0}
        progress.report(f"0/{total} files", 0)

        def on_file(result: CheckedFile) -> None:
            uri = self.store(result)
            self.push(uri)
            counts["checked"] += 1
            counts["findings"] += len(result.findings)
            counts["files_with_findings"] += bool(result.findings)
            progress.report(f"{counts['checked']}/{total} files", counts["checked"] * 100 // max(total, 1))

        completed = await self.engine.run(found.files, on_file, progress.cancelled)
        if completed:
            self.forget_missing({path_to_uri(str(path)) for path, _ in found.files})
            progress.end(f"{counts['findings']} findings in {counts['files_with_findings']} of {total} files")
        else:
            progress.end(f"Cancelled after {counts['checked']} of {total} files")
        log.info("workspace check: %d of %d files in %.1f s%s", counts["checked"], total,
                 time.monotonic() - started, "" if completed else " (cancelled)")
        return {"files": total, "checked": counts["checked"], "findings": counts["findings"],
                "analysed": self.engine.analysed - analysed_before, "cancelled": not completed}

    # ------------------------------------------------------------------ workspace/diagnostic
    async def workspace_diagnostic(self, params: lsp.WorkspaceDiagnosticParams) -> lsp.WorkspaceDiagnosticReport:
        previous = KeyedDict()
        for item in params.previous_result_ids or []:
            previous[item.uri] = (item.uri, item.value)
        ids = KeyedDict({key: value for key, (_, value) in previous.items()})
        out = _Reports(self.server, params.partial_result_token)
        if self.enabled and not self.running:  # during the command its results arrive by themselves
            await self._refresh(ids, out)
        for uri, result in list(self.results.items()):
            if not out.sent(uri) and not self.is_open(uri):
                out.add(self.report(uri, result, ids))
        # A document just closed: VS Code keeps its last pulled diagnostics when the server pulls
        # workspace diagnostics, so they are cleared here (as they are without workspace pull).
        for key, (uri, value) in previous.items():
            if value != CLOSED and not out.sent(key) and not self.is_open(key) and key not in self.results:
                out.add(lsp.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=[], version=None, result_id=CLOSED))
        return out.finish()

    async def _refresh(self, previous: dict, out: "_Reports") -> None:
        """Check again the files whose stamp moved, and the new ones; report them as they come."""
        found = await self.discover()
        present = {path_to_uri(str(path)): (path, root) for path, root in found.files}
        for uri in self.forget_missing(set(present)):
            out.add(lsp.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=[], version=None, result_id=CLOSED))
        def stale() -> list:
            return [(path, root) for uri, (path, root) in present.items()
                    if uri not in self.results or self.results[uri].stamp is None
                    or self.results[uri].stamp != file_stamp(path, root)]

        def on_file(result: CheckedFile) -> None:
            uri = self.store(result)
            if not self.is_open(uri):
                out.add(self.report(uri, result, previous))

        loop = asyncio.get_running_loop()
        await self.engine.run(await loop.run_in_executor(self.engine.threads, stale), on_file, lambda: False)

    def report(self, uri: str, result: CheckedFile, previous: dict) -> lsp.WorkspaceDocumentDiagnosticReport:
        result_id = result.stamp or f"unstamped-{id(result)}"
        if previous.get(uri) == result_id:
            return lsp.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result_id, version=None)
        return lsp.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=list(self.diagnostics.get(uri, [])),
                                                         version=None, result_id=result_id)

    def shutdown(self) -> None:
        self.engine.shutdown()


class _Reports:
    """workspace/diagnostic items: in the response, or streamed in `$/progress` batches."""

    def __init__(self, server: "MpguardServer", token: Optional[lsp.ProgressToken]) -> None:
        self.server = server
        self.token = token
        self.items: list = []
        self.uris: set[str] = set()

    def sent(self, uri: str) -> bool:
        return document_key(uri) in self.uris

    def add(self, item) -> None:
        self.uris.add(document_key(item.uri))
        self.items.append(item)
        if self.token is not None and len(self.items) >= PARTIAL_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.items:
            value = lsp.WorkspaceDiagnosticReportPartialResult(items=self.items)
            self.server.progress(lsp.ProgressParams(token=self.token, value=value))
            self.items = []

    def finish(self) -> lsp.WorkspaceDiagnosticReport:
        if self.token is None:
            return lsp.WorkspaceDiagnosticReport(items=self.items)
        self.flush()
        return lsp.WorkspaceDiagnosticReport(items=[])  # everything went as partial results


class _Progress:
    """Server-initiated work-done progress, or nothing for clients without it."""

    def __init__(self, server: "MpguardServer", token: Optional[str]) -> None:
        self.server = server
        self.token = token
        self.last_report = 0.0
        self.ended = False

    @classmethod
    async def create(cls, server: "MpguardServer") -> "_Progress":
        window = getattr(server.client_capabilities, "window", None)
        if not getattr(window, "work_done_progress", False):
            return cls(server, None)
        token = f"mpguard-check-workspace-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), 10)
        except Exception as exc:  # noqa: BLE001 - checked anyway, without a progress bar
            log.warning("window/workDoneProgress/create failed: %s", exc)
            return cls(server, None)
        return cls(server, token)

    def cancelled(self) -> bool:
        if self.token is None:
            return False
        future = self.server.work_done_progress.tokens.get(self.token)
        return future is not None and future.cancelled()

    def begin(self, message: str) -> None:
        if self.token is not None:
            self.server.work_done_progress.begin(self.token, lsp.WorkDoneProgressBegin(
                title=PROGRESS_TITLE, message=message, cancellable=True, percentage=0))

    def report(self, message: str, percentage: int) -> None:
        now = time.monotonic()
        if self.token is None or (now - self.last_report < REPORT_EVERY_S and percentage < 100):
            return
        self.last_report = now
        self.server.work_done_progress.report(self.token, lsp.WorkDoneProgressReport(
            message=message, percentage=percentage, cancellable=True))

    def end(self, message: str) -> None:
        if self.token is not None and not self.ended:
            self.ended = True
            self.server.work_done_progress.end(self.token, lsp.WorkDoneProgressEnd(message=message))

    def close(self) -> None:
        """End the progress whatever happened, and forget its token (pygls keeps them all)."""
        self.end("Stopped")
        if self.token is not None:
            self.server.work_done_progress.tokens.pop(self.token, None)


def register(server: "MpguardServer") -> None:
    """Add the command and `workspace/diagnostic` to `server` (called by `create_server`)."""
    server.workspace_diagnostics = WorkspaceDiagnostics(server)  # type: ignore[attr-defined]

    @server.command(CMD_CHECK_WORKSPACE)
    async def check_workspace(ls: Any, *args: Any) -> dict:
        return await ls.workspace_diagnostics.check_command(*args)  # type: ignore[attr-defined]

    # Advertised (diagnosticProvider.workspaceDiagnostics) only to pull clients, with the
    # document pull: pygls derives it from this registration.
    @server.feature(lsp.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: Any, params: lsp.WorkspaceDiagnosticParams):
        return await ls.workspace_diagnostics.workspace_diagnostic(params)  # type: ignore[attr-defined]
