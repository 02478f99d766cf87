"""Seeded fuzzer for the mpguard language server, over real LSP stdio.

It starts ``python -m mpguard.lsp`` (with ``MPGUARD_LSP_DEBUG_TEXT=1``), opens a few documents
and sends random, seeded sequences of: typing, deletions, garbage and binary text, huge pastes of
process-using code, odd line separators, several changes per notification, full-text syncs,
close/reopen, edits to closed documents, stale and out-of-order versions, and requests in the
middle of bursts (hover, code actions, code-action resolve, executeCommand with good and bad
arguments, requests for unknown documents). Every edit is applied to a client-side shadow too
(tests/fuzz/shadow.py, LSP semantics) and after every step it checks:

* text: the server's text (``mpguard/debugText``) equals the shadow, byte for byte;
* ranges: every published diagnostic range (and hover range) lies inside the text of the
  version it was published for (line < number of lines, character <= the line's length in the
  negotiated encoding); nothing non-empty is published for a closed document;
* code actions: every edit applies to the text it was computed for; the result parses when that
  text parsed; fix-all equals ``mpguard.fixer.fix_text`` and a quick fix equals the engine's fix
  of the same text (checked after each round, outside the timed window);
* errors: requests for open, closed and unknown documents answer without error; malformed
  executeCommand arguments answer InvalidParams (-32602); no error message shown to the user and
  no traceback in the server's stderr.

It records the latency of every request (p50/p95/max) and the server's RSS after each round
(all documents closed, after a pause). Run ``python tests/fuzz/lsp_fuzz.py --help``; docs/fuzzing.md
has the long-run command.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shadow  # noqa: E402 - the directory is put on the path just above

ENCODINGS = {"utf-8": lsp.PositionEncodingKind.Utf8, "utf-16": lsp.PositionEncodingKind.Utf16,
             "utf-32": lsp.PositionEncodingKind.Utf32}
INVALID_PARAMS = -32602

SNIPPETS = [
    "from multiprocessing import Pool\n\ndef work(x):\n    return x * 2\n\nwith Pool(2) as p:\n"
    "    print(p.map(work, range(4)))\n",
    "from multiprocessing import Pool\nif __name__ == \"__main__\":\n    with Pool(2) as p:\n"
    "        print(p.map(lambda x: x + 1, range(4)))\n",
    "import multiprocessing as mp\n\ndef main():\n    def inner(q):\n        q.put(1)\n"
    "    q = mp.Queue()\n    p = mp.Process(target=inner, args=(q,))\n    p.start()\n    p.join()\n"
    "    print(q.get())\n\nmain()\n",
    "from concurrent.futures import ProcessPoolExecutor\n\ndef square(n):\n    return n * n\n\n"
    "if __name__ == \"__main__\":\n    with ProcessPoolExecutor() as ex:\n"
    "        print(list(ex.map(square, range(10))))\n",
    "import multiprocessing\n\nresults = []\n\ndef collect(x):\n    results.append(x)\n\n"
    "if __name__ == \"__main__\":\n    p = multiprocessing.Process(target=collect, args=(1,))\n"
    "    p.start()\n",
    "x = 1\ny = 'émoji 😀 中文'\n\n\ndef plain():\n    return x + 1\n",
]
TYPING = "abcdefghijklmnopqrstuvwxyz_ ():.,=+-*'\"#[]{}0123456789\n    "
SEPARATORS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
GARBAGE = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\ufeff", "\ufffd", "😀", "é", "中", "\u200b",
           "\U0010ffff", "\t", "\\", "\"\"\"", "'''", "(", ")", "[", "{", ":", "\ud800"]
HUGE_UNIT = (
    "\n\ndef work_{i}(x):\n    return x * {i}\n\n\ndef run_{i}():\n    with Pool(2) as pool:\n"
    "        return pool.map(work_{i}, range({i}))\n"
)


# Runs the server with stderr to a file (pygls's client pipes stderr without reading it). With a
# server path (another checkout's server/ directory, e.g. to measure old code) that mpguard is
# imported instead, and given a minimal mpguard/debugText if it has none.
BOOTSTRAP = """
import os, runpy, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
os.dup2(fd, 2)
if sys.argv[2]:
    sys.path.insert(0, sys.argv[2])
    import hashlib
    import mpguard.lsp.server as s
    if not hasattr(s, "register_debug_text"):
        create = s.create_server
        def create_server():
            server = create()
            @server.feature("mpguard/debugText")
            def debug_text(ls, params):
                from urllib.parse import unquote
                docs = ls.workspace.text_documents
                doc = docs.get(params.uri) or docs.get(unquote(params.uri))
                if doc is None:
                    return None
                text = doc.source
                return {"uri": params.uri, "version": doc.version, "length": len(text),
                        "lines": len(doc.lines) + (1 if text.endswith(("\\n", "\\r")) or not text else 0),
                        "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                        "text": text if getattr(params, "full", False) else None}
            return server
        s.create_server = create_server
sys.argv = ["mpguard.lsp"]
runpy.run_module("mpguard.lsp", run_name="__main__", alter_sys=True)
"""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def _pos(p: lsp.Position) -> dict:
    return {"line": p.line, "character": p.character}


def _edit_dict(e: lsp.TextEdit) -> dict:
    return {"range": {"start": _pos(e.range.start), "end": _pos(e.range.end)}, "newText": e.new_text}


@dataclass
class Doc:
    uri: str
    text: str
    version: int
    open: bool = True
    close_confirmed: bool = False  # the server answered a request after processing the close
    by_version: dict[int, str] = field(default_factory=dict)  # version -> text, for published ranges


@dataclass
class Report:
    seed: int
    encoding: str
    edits: int = 0
    notifications: int = 0
    requests: int = 0
    steps: int = 0
    checks: int = 0
    fix_checks: int = 0
    violations: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    rss_kib: list[int] = field(default_factory=list)
    rounds: int = 0
    tracebacks: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # violations by kind, all counted
    huge: list[dict] = field(default_factory=list)  # huge pastes: size, time to their first publish

    def violation(self, message: str) -> None:
        kind = re.sub(r"file://\S+|-?\d+", "#", message.split(":")[0] if not message.startswith("file") else message)
        self.kinds[kind[:70]] = self.kinds.get(kind[:70], 0) + 1
        if len(self.violations) < 200:
            self.violations.append(message)

    def summary(self) -> dict:
        lat = {
            name: {"n": len(v), "p50_ms": round(percentile(v, 0.5) * 1000, 1),
                   "p95_ms": round(percentile(v, 0.95) * 1000, 1), "max_ms": round(max(v) * 1000, 1)}
            for name, v in sorted(self.latencies.items()) if v
        }
        return {"seed": self.seed, "encoding": self.encoding, "rounds": self.rounds, "steps": self.steps,
                "edits": self.edits, "notifications": self.notifications, "requests": self.requests,
                "text_checks": self.checks, "fix_checks": self.fix_checks, "tracebacks": self.tracebacks,
                "violations": sum(self.kinds.values()), "violations_by_kind": self.kinds,
                "first_violations": self.violations[:10],
                "latency": lat, "huge_pastes": self.huge, "rss_kib_after_each_round": self.rss_kib}


class Fuzzer:
    def __init__(self, seed: int, encoding: str = "utf-16", workdir: Optional[Path] = None,
                 huge_chars: int = 150_000, documents: int = 3, resolve: bool = True,
                 fix_check_max_chars: int = 6_000, verbose: bool = False, odd_uris: bool = False,
                 server_path: Optional[Path] = None) -> None:
        self.rng = random.Random(seed)
        self.report = Report(seed, encoding)
        self.encoding = encoding
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="mpguard-fuzz-"))
        self.log_path = self.workdir / "server-stderr.log"
        self.huge_chars = huge_chars
        self.n_documents = documents
        self.resolve = resolve
        self.fix_check_max_chars = fix_check_max_chars
        self.verbose = verbose
        self.odd_uris = odd_uris
        self.server_path = server_path
        self.docs: dict[str, Doc] = {}
        self.version_counter = 0
        self.stale_counter = 0
        self.pending_fix_checks: list[tuple[str, str, str, str, Optional[str], int]] = []
        self.last_diagnostics: dict[str, list] = {}
        self.huge_since: Optional[float] = None  # a huge paste's analysis is pending since
        self.huge_uri: Optional[str] = None
        self.huge_version = 0
        self.published: dict[str, Optional[int]] = {}  # uri -> version of the last publish
        self.requests_now: list = []
        self.client = LanguageClient("mpguard-fuzz", "1")
        self._register_handlers()

    # ------------------------------------------------------------------ client side
    def _register_handlers(self) -> None:
        client = self.client

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self._check_published(params)
            self.last_diagnostics[params.uri] = params.diagnostics
            self.published[params.uri] = params.version
            if (self.huge_since is not None and params.uri == self.huge_uri and params.version is not None
                    and params.version >= self.huge_version):
                took = time.perf_counter() - self.huge_since
                self.report.huge.append({"chars": self.huge_chars, "first_publish_after_s": round(took, 1)})
                self.huge_since = None

        @client.feature(lsp.WORKSPACE_CONFIGURATION)
        def on_configuration(params: lsp.ConfigurationParams) -> list:
            return [{"typeAware": False} for _ in params.items]

        @client.feature(lsp.WINDOW_LOG_MESSAGE)
        def on_log(params: lsp.LogMessageParams) -> None:
            if "Traceback" in params.message:
                self.report.violation(f"traceback in window/logMessage: {params.message[:300]}")

        @client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_show(params: lsp.ShowMessageParams) -> None:
            if params.type == lsp.MessageType.Error:
                self.report.violation(f"error shown to the user: {params.message[:300]}")

        @client.feature(lsp.WORKSPACE_APPLY_EDIT)
        def on_apply(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
            # Checked like a code action's edit; not applied (the fuzzer owns the shadow).
            self._check_workspace_edit(params.edit, "workspace/applyEdit " + (params.label or ""), None, None)
            return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="fuzzer")

        @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: Any) -> None:
            return None

    def _check_published(self, params: lsp.PublishDiagnosticsParams) -> None:
        doc = self.docs.get(params.uri)
        if doc is None:
            return
        if not doc.open:
            # Only once the server answered for the closed document (an earlier publish may still
            # have been on its way when the close went out).
            if params.diagnostics and doc.close_confirmed:
                self.report.violation(f"{len(params.diagnostics)} diagnostics published for closed {params.uri}")
            return
        text = doc.by_version.get(params.version) if params.version is not None else doc.text
        if text is None:
            return  # a version older than the history kept
        lengths = shadow.line_lengths(text, self.encoding)
        for d in params.diagnostics:
            problem = self._outside(d.range, lengths)
            if problem:
                self.report.violation(f"published {d.code} range {problem} (version {params.version})")

    @staticmethod
    def _outside(rng: lsp.Range, lengths: list[int]) -> Optional[str]:
        for p in (rng.start, rng.end):
            if p.line >= len(lengths) or p.character > lengths[p.line]:
                width = lengths[p.line] if p.line < len(lengths) else None
                return f"{p.line}:{p.character} outside the text ({len(lengths)} lines, that line {width})"
        if (rng.end.line, rng.end.character) < (rng.start.line, rng.start.character):
            return f"{rng} ends before it starts"
        return None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        command = [sys.executable, "-c", BOOTSTRAP, str(self.log_path), str(self.server_path or "")]
        env = dict(os.environ, MPGUARD_LSP_DEBUG_TEXT="1")
        await self.client.start_io(*command, env=env, cwd=str(self.workdir))
        caps = lsp.ClientCapabilities(
            general=lsp.GeneralClientCapabilities(position_encodings=[ENCODINGS[self.encoding]]),
            workspace=lsp.WorkspaceClientCapabilities(configuration=True, apply_edit=True),
            text_document=lsp.TextDocumentClientCapabilities(
                publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(related_information=True,
                                                                            version_support=True),
                code_action=lsp.CodeActionClientCapabilities(
                    resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"]) if self.resolve else None,
                    data_support=True,
                ),
                hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
            ),
        )
        result = await self.client.initialize_async(lsp.InitializeParams(
            capabilities=caps, root_uri=self.workdir.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=self.workdir.as_uri(), name="fuzz")],
            initialization_options={"typeAware": False},
        ))
        negotiated = result.capabilities.position_encoding or lsp.PositionEncodingKind.Utf16
        self.encoding = {v: k for k, v in ENCODINGS.items()}[negotiated]
        self.report.encoding = self.encoding
        self.client.initialized(lsp.InitializedParams())

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 30)
            self.client.exit(None)
        except Exception as exc:  # noqa: BLE001
            self.report.violation(f"shutdown failed: {type(exc).__name__}: {exc}")
        try:
            await asyncio.wait_for(self.client.stop(), 10)
        except Exception:  # noqa: BLE001
            server = self.client._server
            if server is not None and server.returncode is None:
                server.kill()
        log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        self.report.tracebacks = log.count("Traceback (most recent call last)")
        if self.report.tracebacks:
            first = log[log.index("Traceback (most recent call last)"):][:1500]
            self.report.violation(f"{self.report.tracebacks} tracebacks in the server's stderr; first:\n{first}")

    # ------------------------------------------------------------------ documents
    def _next_version(self) -> int:
        self.version_counter += 1
        return self.version_counter

    def _remember(self, doc: Doc) -> None:
        doc.by_version[doc.version] = doc.text
        if len(doc.by_version) > 32:
            for old in sorted(doc.by_version)[: len(doc.by_version) - 32]:
                del doc.by_version[old]

    def open_doc(self, uri: str, text: str) -> None:
        doc = self.docs.get(uri)
        version = self._next_version()
        if doc is None:
            doc = self.docs[uri] = Doc(uri, text, version)
        doc.text, doc.version, doc.open, doc.close_confirmed = text, version, True, False
        doc.by_version.clear()
        self._remember(doc)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
        self.report.notifications += 1

    def close_doc(self, doc: Doc) -> None:
        doc.open = False
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=doc.uri)))
        self.report.notifications += 1

    def send_changes(self, doc: Doc, changes: list[dict], stale: bool = False) -> None:
        """One didChange with `changes` (shadow dicts), applied to the shadow in order."""
        if stale:
            self.stale_counter -= 1
            version = self.stale_counter  # lower than every version sent: out of order
        else:
            version = self._next_version()
        content = []
        for c in changes:
            if "range" in c:
                r = c["range"]
                content.append(lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(start=lsp.Position(**r["start"]), end=lsp.Position(**r["end"])), text=c["text"]))
            else:
                content.append(lsp.TextDocumentContentChangeWholeDocument(text=c["text"]))
        if doc.open:
            doc.text = shadow.apply_changes(doc.text, changes, self.encoding)
            doc.version = version
            self._remember(doc)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=doc.uri, version=version),
            content_changes=content))
        self.report.notifications += 1
        self.report.edits += len(changes)

    # ------------------------------------------------------------------ random pieces
    def _position(self, text: str, sloppy: bool = True) -> dict:
        rng = self.rng
        lengths = shadow.line_lengths(text, self.encoding)
        if sloppy and rng.random() < 0.05:  # past the end of the line or of the document
            line = rng.randint(0, len(lengths) + 2)
            return {"line": line, "character": rng.randint(0, 200)}
        line = rng.randrange(len(lengths))
        return {"line": line, "character": rng.randint(0, lengths[line])}

    def _range(self, text: str, max_span_lines: int = 2) -> dict:
        start = self._position(text)
        if self.rng.random() < 0.5:
            end = dict(start)
        else:
            end = {"line": start["line"] + self.rng.randint(0, max_span_lines), "character": self.rng.randint(0, 40)}
            if self.rng.random() < 0.03:  # reversed
                start, end = end, start
        return {"start": start, "end": end}

    def _huge_block(self) -> str:
        out = ["from multiprocessing import Pool\n"]
        size, i = 0, 0
        base = self.rng.randint(0, 10**6)
        while size < self.huge_chars:
            piece = HUGE_UNIT.format(i=base + i)
            out.append(piece)
            size += len(piece)
            i += 1
        return "".join(out)

    # ------------------------------------------------------------------ actions
    def act_type(self, doc: Doc) -> None:
        """Typing: a few single-character insertions and backspaces at one place."""
        pos = self._position(doc.text, sloppy=False)
        for _ in range(self.rng.randint(1, 8)):
            if self.rng.random() < 0.8:
                ch = self.rng.choice(TYPING)
                self.send_changes(doc, [{"range": {"start": dict(pos), "end": dict(pos)}, "text": ch}])
                if ch == "\n":
                    pos = {"line": pos["line"] + 1, "character": 0}
                else:
                    pos = {"line": pos["line"], "character": pos["character"] + 1}
            elif pos["character"] > 0:
                start = {"line": pos["line"], "character": pos["character"] - 1}
                self.send_changes(doc, [{"range": {"start": start, "end": dict(pos)}, "text": ""}])
                pos = start

    def act_delete(self, doc: Doc) -> None:
        self.send_changes(doc, [{"range": self._range(doc.text, 3), "text": ""}])

    def act_garbage(self, doc: Doc) -> None:
        text = "".join(self.rng.choice(GARBAGE + SEPARATORS + list(TYPING)) for _ in range(self.rng.randint(1, 30)))
        self.send_changes(doc, [{"range": self._range(doc.text), "text": text}])

    def act_separators(self, doc: Doc) -> None:
        changes = []
        text = doc.text
        for _ in range(self.rng.randint(1, 4)):
            change = {"range": self._range(text, 1), "text": self.rng.choice(SEPARATORS) * self.rng.randint(1, 2)}
            text = shadow.apply_change(text, change, self.encoding)
            changes.append(change)
        self.send_changes(doc, changes)  # several changes in one notification, each on the previous

    def act_paste(self, doc: Doc) -> None:
        snippet = self.rng.choice(SNIPPETS)
        if self.rng.random() < 0.3:
            snippet = snippet.replace("\n", self.rng.choice(["\r\n", "\r"]))
        self.send_changes(doc, [{"range": self._range(doc.text), "text": snippet}])

    def act_huge_paste(self, doc: Doc) -> None:
        pos = self._position(doc.text, sloppy=False)
        pos["character"] = 0
        self.huge_since, self.huge_uri = time.perf_counter(), doc.uri
        self.send_changes(doc, [{"range": {"start": pos, "end": dict(pos)}, "text": self._huge_block()}])
        self.huge_version = doc.version

    def act_full_sync(self, doc: Doc) -> None:
        if len(doc.text) > 400_000 or self.rng.random() < 0.3:
            new = self.rng.choice(SNIPPETS)  # also how a huge paste leaves again
        else:
            new = shadow.apply_change(doc.text, {"range": self._range(doc.text), "text": self.rng.choice(SNIPPETS)},
                                      self.encoding)
        self.send_changes(doc, [{"text": new}])

    def act_stale(self, doc: Doc) -> None:
        self.send_changes(doc, [{"range": self._range(doc.text), "text": self.rng.choice(TYPING)}], stale=True)

    def act_close_reopen(self, doc: Doc) -> None:
        self.close_doc(doc)
        if self.rng.random() < 0.5:  # an edit racing the close: ignored by the server
            self.send_changes(doc, [{"range": self._range(doc.text), "text": "x"}])
            self.requests_now.append(self.request_hover(doc, expect_open=False))
        if self.rng.random() < 0.85:
            text = doc.text if self.rng.random() < 0.6 else self.rng.choice(SNIPPETS)
            if len(text) > 400_000:
                text = self.rng.choice(SNIPPETS)
            self.open_doc(doc.uri, text)

    async def act_pause(self, doc: Doc) -> None:
        """The user stops typing: wait for the diagnostics of this version, then ask for the code
        actions of each (resolving every lazy one), as a user going through the lightbulbs."""
        deadline = time.monotonic() + 20
        while self.published.get(doc.uri) != doc.version and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if self.verbose:
            print(f"pause on {doc.uri[-20:]} v{doc.version} ({len(doc.text)} chars): waited "
                  f"{time.monotonic() - deadline + 20:.2f}s, published v{self.published.get(doc.uri)}", file=sys.stderr)
        if self.published.get(doc.uri) != doc.version:
            if len(doc.text) < 50_000:
                self.report.violation(f"no diagnostics for version {doc.version} of {doc.uri} after 20 s")
            return  # a huge text still being analysed: not a violation (the requests stay answered)
        text = doc.text
        for d in list(self.client_diagnostics(doc.uri))[:4]:
            params = lsp.CodeActionParams(text_document=lsp.TextDocumentIdentifier(uri=doc.uri), range=d.range,
                                          context=lsp.CodeActionContext(diagnostics=[d]))
            result, err = await self._timed("codeAction", self.client.text_document_code_action_async(params))
            if err is not None:
                self.report.violation(f"codeAction failed: {err!r}")
                continue
            await self._check_actions(doc, text, result, resolve_all=True)
        whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
        result, err = await self._timed("codeAction", self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=doc.uri), range=whole,
            context=lsp.CodeActionContext(diagnostics=[], only=["source.fixAll"]))))
        if err is None:
            await self._check_actions(doc, text, result, resolve_all=True)

    # ------------------------------------------------------------------ requests
    def _timed(self, name: str, coro: Any) -> "asyncio.Task":
        async def run() -> tuple[Any, Optional[BaseException]]:
            t0 = time.perf_counter()
            try:
                result = await asyncio.wait_for(coro, 120)
                err = None
            except Exception as exc:  # noqa: BLE001 - judged by the caller
                result, err = None, exc
            took = time.perf_counter() - t0
            self.report.latencies.setdefault(name, []).append(took)
            if self.huge_since is not None and self.huge_since < t0:  # answered during the huge analysis
                self.report.latencies.setdefault(f"{name} (huge paste pending)", []).append(took)
            return result, err

        self.report.requests += 1
        return asyncio.ensure_future(run())

    async def request_hover(self, doc: Doc, expect_open: bool = True) -> None:
        text = doc.text
        pos = self._position(text)
        result, err = await self._timed("hover", self.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=doc.uri), position=lsp.Position(**pos))))
        if err is not None:
            self.report.violation(f"hover on {'open' if expect_open else 'closed'} doc failed: {err!r}")
        elif result is not None and result.range is not None and doc.open and doc.text is text:
            problem = self._outside(result.range, shadow.line_lengths(text, self.encoding))
            if problem:
                self.report.violation(f"hover range {problem}")

    async def request_code_actions(self, doc: Doc, diagnostics: list) -> None:
        text, uri = doc.text, doc.uri
        rng = self._range(text, 1)
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(start=lsp.Position(**rng["start"]), end=lsp.Position(**rng["end"])),
            context=lsp.CodeActionContext(diagnostics=diagnostics[:5]),
        )
        result, err = await self._timed("codeAction", self.client.text_document_code_action_async(params))
        if err is not None:
            self.report.violation(f"codeAction failed: {err!r}")
            return
        await self._check_actions(doc, text, result, resolve_all=False)

    async def _check_actions(self, doc: Doc, text: str, result: Any, resolve_all: bool) -> None:
        for action in result or []:
            if not isinstance(action, lsp.CodeAction):
                continue
            if action.edit is not None:
                self._check_workspace_edit(action.edit, action.title, text, doc.uri)
            elif (self.resolve and action.data is not None and doc.text is text
                  and (resolve_all or self.rng.random() < 0.5)):
                resolved, err = await self._timed("codeAction/resolve", self.client.code_action_resolve_async(action))
                if err is not None:
                    self.report.violation(f"codeAction/resolve failed: {err!r}")
                elif resolved is not None and resolved.edit is not None and doc.text is text:
                    self._check_workspace_edit(resolved.edit, resolved.title, text, doc.uri)

    def _check_workspace_edit(self, edit: lsp.WorkspaceEdit, title: str, text: Optional[str],
                              uri: Optional[str]) -> None:
        edits: list = []
        target = uri
        for u, es in (edit.changes or {}).items():
            target = u
            edits.extend(es)
        for dc in edit.document_changes or []:
            if isinstance(dc, lsp.TextDocumentEdit):
                target = dc.text_document.uri
                edits.extend(dc.edits)
        if text is None:  # workspace/applyEdit: against the current shadow
            doc = self.docs.get(target or "")
            if doc is None or not doc.open:
                self.report.violation(f"{title}: edit for a document that is not open")
                return
            text = doc.text
        lengths = shadow.line_lengths(text, self.encoding)
        for e in edits:
            problem = self._outside(e.range, lengths)
            if problem:
                self.report.violation(f"{title}: edit range {problem}")
                return
        new = shadow.apply_text_edits(text, [_edit_dict(e) for e in edits], self.encoding)
        self.report.fix_checks += 1
        if len(text) <= self.fix_check_max_chars and parses(text) and not parses(new):
            self.report.violation(f"{title}: the edited text does not parse: {new[:400]!r}")
        if len(text) <= self.fix_check_max_chars and len(self.pending_fix_checks) < 400:
            kind = "fixAll" if "Fix all" in title or "fix all" in title else "fix"
            if title.startswith("Disable ") or title.startswith("Convert"):
                return
            path = str(Path(shadow_path(target or "")))
            self.pending_fix_checks.append((kind, title, text, new, path, len(edits)))

    async def request_command(self, doc: Doc) -> None:
        good = self.rng.random() < 0.5
        if good:
            command, args = self.rng.choice([
                ("mpguard.fixAll", [doc.uri]),
                ("mpguard.showRuleDocs", ["MP101"]),
                ("mpguard.showRuleDocs", [{"code": "mp201", "open": False}]),
                ("mpguard.applyFix", [{"uri": doc.uri, "code": "MP101", "line": 1}]),
            ])
        else:
            command, args = self.rng.choice([
                ("mpguard.applyFix", [{"uri": 5}]),
                ("mpguard.applyFix", [{"uri": doc.uri, "code": "MP101", "line": "x"}]),
                ("mpguard.applyFix", [doc.uri, "MP101", None]),
                ("mpguard.fixAll", []),
                ("mpguard.fixAll", [{"uri": ["a"]}]),
                ("mpguard.fixAll", [1, 2, 3]),
                ("mpguard.showRuleDocs", [None]),
                ("mpguard.showRuleDocs", [{"code": 7}]),
            ])
        result, err = await self._timed("executeCommand", self.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=command, arguments=args)))
        if good and err is not None:
            self.report.violation(f"{command} {args!r} failed: {err!r}")
        if not good:
            code = getattr(err, "code", None)
            if code != INVALID_PARAMS:
                self.report.violation(f"{command} {args!r}: expected InvalidParams, got {err or result!r}")

    async def request_unknown(self) -> None:
        uri = (self.workdir / f"never opened {self.rng.randint(0, 9)}.py").as_uri()
        pos = lsp.Position(line=0, character=0)
        result, err = await self._timed("hover", self.client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=pos)))
        if err is not None or result is not None:
            self.report.violation(f"hover on an unknown document: {err or result!r}")
        result, err = await self._timed("codeAction", self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(start=pos, end=pos),
            context=lsp.CodeActionContext(diagnostics=[]))))
        if err is not None or result:
            self.report.violation(f"codeAction on an unknown document: {err or result!r}")

    # ------------------------------------------------------------------ checks
    async def check_text(self, doc: Doc) -> None:
        got = _plain(await self.client.protocol.send_request_async("mpguard/debugText", {"uri": doc.uri}))
        self.report.checks += 1
        if not doc.open:
            if got is not None:
                self.report.violation(f"server still holds closed {doc.uri}")
            doc.close_confirmed = True
            return
        if got is None:
            self.report.violation(f"server lost open document {doc.uri}")
            return
        want = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
        if got["sha256"] != want:
            full = _plain(await self.client.protocol.send_request_async("mpguard/debugText",
                                                                         {"uri": doc.uri, "full": True}))
            server_text = full["text"]
            at = next((i for i, (a, b) in enumerate(zip(server_text, doc.text)) if a != b),
                      min(len(server_text), len(doc.text)))
            self.report.violation(
                f"text of {doc.uri} diverged at offset {at}: server {server_text[max(0, at - 20):at + 20]!r} "
                f"client {doc.text[max(0, at - 20):at + 20]!r}")
            doc.text = server_text  # carry on from the server's text, to find more
        if got["version"] != doc.version:
            self.report.violation(f"version of {doc.uri}: server {got['version']}, client {doc.version}")
        lines = len(shadow.split_lines(doc.text))
        if got["lines"] != lines:
            self.report.violation(f"line count of {doc.uri}: server {got['lines']}, client {lines}")

    def verify_fixes(self) -> None:
        """The quick fixes and fix-alls seen this round against the CLI's (outside the timed loop)."""
        from mpguard.config import Config
        from mpguard.engine import analyze
        from mpguard.fixer import fix_text

        config = Config()
        for kind, title, text, new, path, _n in self.pending_fix_checks:
            if kind == "fixAll":
                expected = fix_text(text, path, config).text
                if new != expected:
                    self.report.violation(f"{title}: differs from mpguard.fixer.fix_text for {text[:200]!r}")
                continue
            plain_title = title[: -len(" (unsafe)")] if title.endswith(" (unsafe)") else title
            candidates = [fx.new_text() for f in analyze(text, path, config).findings for fx in f.fixes
                          if fx.title == plain_title]
            if candidates and new not in candidates:
                self.report.violation(f"{title}: differs from the engine's fix for {text[:200]!r}")
        self.pending_fix_checks.clear()

    # ------------------------------------------------------------------ the loop
    async def run_round(self, seconds: float, huge: bool) -> None:
        rng = self.rng
        round_no = self.report.rounds
        names = [f"doc_{round_no}_{i}.py" for i in range(self.n_documents)]
        if self.odd_uris:  # a space, non-ASCII and an emoji: percent-encoded in the URI
            names[-1] = f"doc {round_no} ünï😀.py"
        uris = [(self.workdir / name).as_uri() for name in names]
        for uri in uris:
            self.open_doc(uri, rng.choice(SNIPPETS))
        huge_left = 1 if huge else 0
        huge_quiet_until = 0.0
        deadline = time.monotonic() + seconds
        actions = [
            (self.act_type, 40), (self.act_delete, 8), (self.act_garbage, 6), (self.act_separators, 6),
            (self.act_paste, 6), (self.act_full_sync, 4), (self.act_stale, 3), (self.act_close_reopen, 3),
        ]
        funcs, weights = zip(*actions)
        while time.monotonic() < deadline:
            doc = self.docs[rng.choice(uris)]
            self.requests_now: list = []
            if self.huge_since is not None and doc.uri == self.huge_uri and time.monotonic() < huge_quiet_until:
                # The user pasted and went on in the other files while the paste is analysed; the
                # pasted file only gets requests.
                self.requests_now.append(self.request_hover(doc))
                diags = list(self.client_diagnostics(doc.uri))
                self.requests_now.append(self.request_code_actions(doc, diags))
            elif not doc.open:
                self.open_doc(doc.uri, rng.choice(SNIPPETS))
            elif rng.random() < 0.04:
                await self.act_pause(doc)
            elif huge_left and time.monotonic() > deadline - seconds * 0.8:
                huge_left -= 1
                self.act_huge_paste(doc)
                huge_quiet_until = time.monotonic() + min(60.0, seconds * 0.4)
            else:
                rng.choices(funcs, weights)[0](doc)
            # requests mid-burst: sent now, answered while the next edits go out
            if doc.open and rng.random() < 0.5:
                self.requests_now.append(self.request_hover(doc))
            if doc.open and rng.random() < 0.35:
                diags = list(self.client_diagnostics(doc.uri))
                self.requests_now.append(self.request_code_actions(doc, diags))
            if rng.random() < 0.05:
                self.requests_now.append(self.request_command(doc))
            if rng.random() < 0.03:
                self.requests_now.append(self.request_unknown())
            pending = [asyncio.ensure_future(c) for c in self.requests_now]
            await asyncio.sleep(0)  # the requests go out now
            if pending and rng.random() < 0.7:  # a little more typing while they are in flight
                other = self.docs[rng.choice(uris)]
                # (not in a huge document: the shadow's work on it would delay reading the answers
                # and count as the server's latency)
                if other.open and other is not doc and len(other.text) < 100_000:
                    self.act_type(other)
            if pending:
                await asyncio.gather(*pending)
            for u in uris:
                await self.check_text(self.docs[u])
            self.report.steps += 1
        for uri in uris:
            doc = self.docs[uri]
            if doc.open:
                self.close_doc(doc)
        await asyncio.sleep(2.5)  # the server's idle housekeeping (collection, heap trim)
        for uri in uris:
            await self.check_text(self.docs[uri])
            del self.docs[uri]
        self.report.rss_kib.append(rss_kib(self.pid))
        self.report.rounds += 1
        self.verify_fixes()

    def client_diagnostics(self, uri: str) -> list:
        return self.last_diagnostics.get(uri, [])


def shadow_path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)


async def fuzz(seed: int, seconds: float, rounds: int = 3, encoding: str = "utf-16", huge_chars: int = 150_000,
               huge: bool = True, resolve: bool = True, workdir: Optional[Path] = None,
               odd_uris: bool = False, server_path: Optional[Path] = None) -> Report:
    fuzzer = Fuzzer(seed, encoding, workdir, huge_chars=huge_chars, resolve=resolve, odd_uris=odd_uris,
                    server_path=server_path,
                    verbose=bool(os.environ.get("MPGUARD_FUZZ_VERBOSE")))
    await fuzzer.start()
    try:
        for _ in range(rounds):
            await fuzzer.run_round(seconds / rounds, huge)
    finally:
        await fuzzer.stop()
    return fuzzer.report


async def probe_huge_paste(huge_chars: int, seconds: float = 30.0, encoding: str = "utf-16",
                           server_path: Optional[Path] = None) -> dict:
    """Latency of hover and code actions on a small file, idle and then while a huge paste into
    another file is analysed, with the small file edited every 200 ms (no other fuzzing: the
    client does little, so the figures are the server's)."""
    fuzzer = Fuzzer(0, encoding, huge_chars=huge_chars, server_path=server_path)
    await fuzzer.start()
    small_uri = (fuzzer.workdir / "small.py").as_uri()
    big_uri = (fuzzer.workdir / "big.py").as_uri()
    fuzzer.open_doc(small_uri, SNIPPETS[0])
    fuzzer.open_doc(big_uri, SNIPPETS[3])
    small, big = fuzzer.docs[small_uri], fuzzer.docs[big_uri]
    deadline = time.monotonic() + 60
    while fuzzer.published.get(small_uri) != small.version and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    rss_before = rss_kib(fuzzer.pid)

    async def phase(name: str, until: Any) -> None:
        last_edit = 0.0
        while not until():
            if time.monotonic() - last_edit > 0.2:  # typing at the end of line 0 of the small file
                end = shadow.line_lengths(small.text, fuzzer.encoding)[0]
                fuzzer.send_changes(small, [{"range": {"start": {"line": 0, "character": end},
                                                       "end": {"line": 0, "character": end}}, "text": " "}])
                last_edit = time.monotonic()
            diags = list(fuzzer.client_diagnostics(small_uri))
            at = diags[0].range if diags else lsp.Range(start=lsp.Position(line=5, character=6),
                                                         end=lsp.Position(line=5, character=6))
            for label, coro in (
                ("hover", fuzzer.client.text_document_hover_async(lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=small_uri), position=at.start))),
                ("codeAction", fuzzer.client.text_document_code_action_async(lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=small_uri), range=at,
                    context=lsp.CodeActionContext(diagnostics=diags[:1])))),
                ("hover on the pasted file", fuzzer.client.text_document_hover_async(lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=big_uri), position=lsp.Position(line=3, character=4)))),
            ):
                _result, err = await fuzzer._timed(f"{label} ({name})", coro)
                if err is not None:
                    fuzzer.report.violation(f"{label} failed: {err!r}")
            await asyncio.sleep(0.05)

    idle_until = time.monotonic() + 5
    await phase("idle", lambda: time.monotonic() > idle_until)
    lines = shadow.split_lines(big.text)  # at the end: the pasted file parses and is analysed whole
    end = {"line": len(lines) - 1, "character": 0}
    fuzzer.huge_since, fuzzer.huge_uri = time.perf_counter(), big_uri
    fuzzer.send_changes(big, [{"range": {"start": end, "end": dict(end)}, "text": fuzzer._huge_block()}])
    fuzzer.huge_version = big.version
    pasted = time.monotonic()
    await phase("huge paste analysed", lambda: fuzzer.huge_since is None or time.monotonic() - pasted > seconds)
    rss_during = rss_kib(fuzzer.pid)
    await fuzzer.stop()
    report = fuzzer.report.summary()
    latency = {k: v for k, v in report["latency"].items() if "(huge paste pending)" not in k}
    return {"huge_chars": huge_chars, "probe_seconds": seconds, "latency": latency,
            "huge_pastes": report["huge_pastes"], "violations": report["violations"],
            "server_rss_kib_before_and_during": [rss_before, rss_during]}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=240.0, help="total fuzzing time (all rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-16")
    parser.add_argument("--huge-chars", type=int, default=2_000_000,
                        help="size of the one huge paste per round (0: none)")
    parser.add_argument("--no-resolve", action="store_true", help="a client without codeAction/resolve")
    parser.add_argument("--odd-uris", action="store_true",
                        help="one document per round named with a space, non-ASCII and an emoji")
    parser.add_argument("--server-path", type=Path,
                        help="import mpguard from this directory (another checkout's server/), e.g. old code")
    parser.add_argument("--probe-huge", action="store_true",
                        help="instead of fuzzing: hover/code-action latency while a huge paste is analysed")
    parser.add_argument("--json", type=Path, help="write the report here too")
    args = parser.parse_args(argv)
    if args.probe_huge:
        result = asyncio.run(probe_huge_paste(args.huge_chars or 2_000_000, min(args.seconds, 60.0), args.encoding,
                                             args.server_path))
        print(json.dumps(result, indent=2))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))
        return 1 if result["violations"] else 0
    report = asyncio.run(fuzz(args.seed, args.seconds, args.rounds, args.encoding, args.huge_chars,
                              huge=args.huge_chars > 0, resolve=not args.no_resolve, odd_uris=args.odd_uris,
                              server_path=args.server_path))
    summary = report.summary()
    summary["all_violations"] = report.violations
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
