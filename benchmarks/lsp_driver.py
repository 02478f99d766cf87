"""Drive `python -m mpguard server` over real LSP stdio with pygls's client, for the benchmarks.

Every latency here is measured on the client side: from just before a message is written to the
server's stdin to the moment the client's reader hands us the matching answer (a
`publishDiagnostics` carrying the edited version, or a response).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

SERVER_CMD = (sys.executable, "-m", "mpguard", "server")


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (Linux)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Session:
    """One server process and one open document."""

    def __init__(self, settings: Optional[dict] = None, command: tuple = SERVER_CMD) -> None:
        self.command = command
        self.settings = {"typeAware": False, **(settings or {})}
        self.client = LanguageClient("mpguard-bench", "1")
        self.waiters: dict[tuple[str, int], asyncio.Future] = {}
        self.seen: dict[tuple[str, int], float] = {}
        self.last_diags: dict[str, list] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diags(params: lsp.PublishDiagnosticsParams) -> None:
            now = time.perf_counter()
            key = (params.uri, params.version if params.version is not None else -1)
            self.seen[key] = now
            self.last_diags[params.uri] = params.diagnostics
            fut = self.waiters.pop(key, None)
            if fut is not None and not fut.done():
                fut.set_result(now)

        @self.client.feature(lsp.WORKSPACE_CONFIGURATION)
        def _config(params: lsp.ConfigurationParams) -> list:
            return [self.settings for _ in params.items]

        @self.client.feature(lsp.WINDOW_LOG_MESSAGE)
        def _log(params: Any) -> None:
            return None

        @self.client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def _show(params: Any) -> None:
            return None

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    async def start(self, root: Path) -> None:
        await self.client.start_io(*self.command)
        await self.client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(
                    workspace=lsp.WorkspaceClientCapabilities(configuration=True),
                ),
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=self.settings,
            )
        )
        self.client.initialized(lsp.InitializedParams())

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:  # noqa: BLE001
            pass
        try:
            await asyncio.wait_for(self.client.stop(), 10)
        except Exception:  # noqa: BLE001
            if self.client._server is not None and self.client._server.returncode is None:
                self.client._server.kill()

    def _future(self, uri: str, version: int) -> asyncio.Future:
        key = (uri, version)
        fut = asyncio.get_running_loop().create_future()
        if key in self.seen:
            fut.set_result(self.seen[key])
        else:
            self.waiters[key] = fut
        return fut

    async def open(self, uri: str, text: str, version: int = 0, timeout: float = 120) -> float:
        fut = self._future(uri, version)
        t0 = time.perf_counter()
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
        )
        return await asyncio.wait_for(fut, timeout) - t0

    def change(self, uri: str, version: int, line: int, character: int, insert: str) -> float:
        """Send an incremental insertion; returns the send time."""
        pos = lsp.Position(line, character)
        t0 = time.perf_counter()
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text=insert)],
            )
        )
        return t0

    async def edit_and_wait(self, uri: str, version: int, line: int, character: int, insert: str,
                            timeout: float = 120) -> float:
        fut = self._future(uri, version)
        t0 = self.change(uri, version, line, character, insert)
        return await asyncio.wait_for(fut, timeout) - t0

    async def wait_version(self, uri: str, version: int, timeout: float = 120) -> float:
        return await asyncio.wait_for(self._future(uri, version), timeout)

    async def hover(self, uri: str, line: int, character: int) -> float:
        t0 = time.perf_counter()
        await self.client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(line, character))
        )
        return time.perf_counter() - t0

    async def debug_stats(self, uri: Optional[str] = None) -> dict:
        got = await self.client.protocol.send_request_async("mpguard/debugStats", {"uri": uri} if uri else {})
        return _plain(got)


def _plain(obj: Any) -> Any:
    if hasattr(obj, "_asdict"):  # pygls hands back unknown results as namedtuples
        return {k: _plain(v) for k, v in obj._asdict().items()}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return {k: _plain(v) for k, v in vars(obj).items()}
    return obj


def middle_comment_doc(text: str) -> tuple[str, int, int]:
    """The text with a comment opened at the end of a one-line statement in the middle of the
    biggest top-level statement (the worst place for re-parsing only the edited top-level
    statement), and the (line, column) to type at."""
    import ast

    tree = ast.parse(text)
    biggest = max(tree.body, key=lambda node: node.end_lineno - node.lineno)
    middle = (biggest.lineno + biggest.end_lineno) // 2
    candidates = [
        node for node in ast.walk(biggest)
        if isinstance(node, ast.stmt) and not isinstance(node, ast.Expr) and node.lineno == node.end_lineno
        and not hasattr(node, "body")
    ]
    site = min(candidates, key=lambda node: abs(node.lineno - middle))
    lines = text.split("\n")
    index = site.lineno - 1
    lines[index] += "  # mpguard-bench: "
    return "\n".join(lines), index, len(lines[index])


def trailing_comment_doc(text: str) -> tuple[str, int, int]:
    """The text with a trailing comment line appended, and the (line, column) to type at."""
    if not text.endswith("\n"):
        text += "\n"
    text += "# mpguard-bench: "
    lines = text.split("\n")
    return text, len(lines) - 1, len(lines[-1])


def file_uri(path: str) -> str:
    return Path(os.path.abspath(path)).as_uri()
