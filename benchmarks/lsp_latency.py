"""Edit-to-diagnostics latency of `python -m mpguard.lsp`, next to a bare `libcst.parse_module`.

Usage: python benchmarks/lsp_latency.py [--edits 40] [--file PATH] [--debounce-ms 100]

Drives the server over stdio with a pygls client on the stdlib's multiprocessing/pool.py:
1. single-character edits in a trailing comment, waiting for each version's diagnostics;
2. a 10-edit burst, 50 ms apart, with a hover in the middle: last edit -> diagnostics, the
   versions the server analysed (from the `mpguard/debugStats` request), and hover latency.
The libcst baseline parses the same text in this process, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing.pool
import statistics
import sys
import time
from pathlib import Path

import libcst
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms   p95 {pct(values, 95) * 1000:7.1f} ms   (n={len(values)})"


async def run(args) -> None:
    path = Path(args.file).resolve()
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += "# bench "
    last_line = text.count("\n")
    col = len("# bench ")
    uri = path.as_uri()

    arrivals: dict[int, float] = {}
    client = LanguageClient("mpguard-bench", "1")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diags(params: lsp.PublishDiagnosticsParams):
        if params.uri == uri and params.version is not None:
            arrivals.setdefault(params.version, time.perf_counter())

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def on_log(params):
        pass

    await client.start_io(sys.executable, "-m", "mpguard.lsp")
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=path.parent.as_uri(),
            initialization_options={"debounceMs": args.debounce_ms, "typeAware": False},
        )
    )
    client.initialized(lsp.InitializedParams())

    async def wait_version(v: int, timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while v not in arrivals:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for version {v}")
            await asyncio.sleep(0.001)
        return arrivals[v]

    version = 1
    t0 = time.perf_counter()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    )
    first = await wait_version(1) - t0

    def edit(v: int, ch: str) -> None:
        nonlocal col
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=v),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(start=lsp.Position(line=last_line, character=col),
                                        end=lsp.Position(line=last_line, character=col)),
                        text=ch,
                    )
                ],
            )
        )
        col += len(ch)

    # 1. single edits
    single: list[float] = []
    for i in range(args.edits):
        version += 1
        start = time.perf_counter()
        edit(version, "abcdefghij"[i % 10])
        single.append(await wait_version(version) - start)

    # 2. burst of 10 edits 50 ms apart with a hover in the middle
    stats_before = await client.protocol.send_request_async("mpguard/debugStats", {"uri": uri})
    analysed_before = len(stats_before.documents[0].versionsAnalysed)
    burst_versions = []
    hover_latency = None
    hover_task = None
    for i in range(10):
        version += 1
        burst_versions.append(version)
        edit(version, "x")
        if i == 5:
            async def hover() -> float:
                h0 = time.perf_counter()
                await client.text_document_hover_async(
                    lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri),
                                    position=lsp.Position(line=10, character=4))
                )
                return time.perf_counter() - h0

            hover_task = asyncio.ensure_future(hover())
        if i < 9:
            await asyncio.sleep(0.05)
    last_sent = time.perf_counter()
    burst_latency = await wait_version(version) - last_sent
    hover_latency = await hover_task
    await asyncio.sleep(0.3)
    stats = await client.protocol.send_request_async("mpguard/debugStats", {"uri": uri})
    doc = stats.documents[0]
    analysed = list(doc.versionsAnalysed)[analysed_before:]
    published = [v for v in doc.publishedVersions if v in burst_versions]

    await client.shutdown_async(None)
    client.exit(None)
    try:
        await asyncio.wait_for(client._server.wait(), 5)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001
        pass

    # libcst baseline on the same text, same run
    parse: list[float] = []
    for _ in range(max(10, args.edits // 2)):
        p0 = time.perf_counter()
        libcst.parse_module(text)
        parse.append(time.perf_counter() - p0)

    lines = text.count("\n") + 1
    print(f"file: {path} ({lines} lines); server debounceMs={args.debounce_ms}")
    print(f"open -> first diagnostics:            {first * 1000:7.1f} ms (includes rule import/warm-up)")
    print(f"edit -> diagnostics (single edits):   {fmt(single)}")
    print(f"  minus debounce:                     median {(statistics.median(single) - args.debounce_ms / 1000) * 1000:7.1f} ms")
    print(f"libcst.parse_module (same text):      {fmt(parse)}")
    print(f"burst of 10 edits 50 ms apart: last edit -> diagnostics {burst_latency * 1000:.1f} ms; "
          f"versions analysed {analysed} of {burst_versions[0]}..{burst_versions[-1]}; published {published}")
    print(f"hover during the burst:               {hover_latency * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--file", default=multiprocessing.pool.__file__)
    parser.add_argument("--debounce-ms", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
