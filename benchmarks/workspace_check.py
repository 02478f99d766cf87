"""Time *mpguard: Check Workspace* over real LSP stdio, and hover latency while it runs.

    python benchmarks/workspace_check.py FOLDER [--cache-dir DIR] [--baseline SECONDS]

Starts `python -m mpguard server` with FOLDER as the workspace, opens one small document, sends
`mpguard.checkWorkspace` and, until it answers, a hover on the open document every 50 ms. Prints
the command's answer, its wall time, the pushed files, and hover latency (median, max). With
the same --cache-dir twice, the second run shows the result cache at work (shared with the CLI).
--baseline SECONDS measures hover for that long without a check, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

DOC = "from multiprocessing import Pool\nwith Pool(2) as p:\n    print(p.map(abs, range(4)))\n"


async def main(folder: Path, cache_dir: str, baseline: float) -> None:
    client = LanguageClient("mpguard-bench", "1")
    pushed: set[str] = set()
    uri = (folder / "__mpguard_bench_open__.py").as_uri()  # never written: an open buffer only

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.diagnostics and params.uri != uri:
            pushed.add(params.uri)

    @client.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_create(params) -> None:
        return None

    @client.feature(lsp.PROGRESS)
    def on_progress(params) -> None:
        return None

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def on_log(params) -> None:
        return None

    env = dict(os.environ, MPGUARD_CACHE_DIR=cache_dir)
    await client.start_io(sys.executable, "-m", "mpguard", "server", env=env)
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(window=lsp.WindowClientCapabilities(work_done_progress=True)),
        root_uri=folder.as_uri(), workspace_folders=[lsp.WorkspaceFolder(uri=folder.as_uri(), name="ws")],
        initialization_options={"typeAware": False}))
    client.initialized(lsp.InitializedParams())
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=DOC)))
    await asyncio.sleep(1.0)
    start = time.perf_counter()
    if baseline:
        command = asyncio.ensure_future(asyncio.sleep(baseline, result="(baseline: no check)"))
    else:
        command = asyncio.ensure_future(client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="mpguard.checkWorkspace", arguments=[])))
    latencies = []
    while not command.done():
        t0 = time.perf_counter()
        await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=1, character=6)))
        latencies.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.05)
    result = command.result()
    wall = time.perf_counter() - start
    print(f"answer: {dict(vars(result)) if hasattr(result, '__dict__') else result}")
    print(f"wall: {wall:.2f} s; files with pushed findings: {len(pushed)}")
    if latencies:
        print(f"hover during the check: n={len(latencies)} median={statistics.median(latencies):.1f} ms "
              f"max={max(latencies):.1f} ms")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cache-dir", default=None, help="result cache folder (default: a new empty one)")
    parser.add_argument("--baseline", type=float, default=0.0, help="hover for this long without a check")
    ns = parser.parse_args()
    asyncio.run(main(ns.folder.resolve(), ns.cache_dir or tempfile.mkdtemp(prefix="mpguard-bench-cache-"),
                     ns.baseline))
