"""Edit -> diagnostics latency of a notebook cell over real LSP stdio (issue 12: notebooks go
through the scheduler's one lint/publish lifecycle; this checks it costs no latency).

    python benchmarks/notebook_latency.py [--edits N]

A notebook of four code cells (imports, the stdlib's multiprocessing/pool.py, a worker, a pool
that maps it) is opened with ``debounceMs: 0``; each edit types one character into a comment at
the end of the last cell and waits for that cell's ``publishDiagnostics`` with the cell's new
version. Prints the median and p95 in ms, and the analyses the server ran (mpguard/debugStats).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import multiprocessing.pool
from lsprotocol import types as lsp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_driver import Session  # noqa: E402

LAST = "with Pool(2) as p:\n    print(p.map(square, range(4)))\n# "


def _cells() -> list[str]:
    return ["from multiprocessing import Pool\n", Path(multiprocessing.pool.__file__).read_text(),
            "def square(x): return x * x\n", LAST]


async def _run(edits: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        session = Session({"debounceMs": 0})
        await session.start(root)
        nb_uri = (root / "bench.ipynb").as_uri()
        cells = [f"vscode-notebook-cell:{(root / 'bench.ipynb').as_posix()}#W{i}sZmlsZQ%3D%3D" for i in range(4)]
        texts = _cells()
        last = cells[-1]
        opened = session._future(last, 1)
        session.client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(
                uri=nb_uri, notebook_type="jupyter-notebook", version=0,
                cells=[lsp.NotebookCell(kind=lsp.NotebookCellKind.Code, document=u) for u in cells]),
            cell_text_documents=[lsp.TextDocumentItem(uri=u, language_id="python", version=1, text=t)
                                 for u, t in zip(cells, texts)]))
        await asyncio.wait_for(opened, 120)
        line = LAST.count("\n")
        column = len(LAST.split("\n")[-1])
        latencies = []
        for k in range(edits):
            version = k + 2
            fut = session._future(last, version)
            pos = lsp.Position(line, column + k)
            t0 = time.perf_counter()
            session.client.notebook_document_did_change(lsp.DidChangeNotebookDocumentParams(
                notebook_document=lsp.VersionedNotebookDocumentIdentifier(version=k + 1, uri=nb_uri),
                change=lsp.NotebookDocumentChangeEvent(cells=lsp.NotebookDocumentCellChanges(text_content=[
                    lsp.NotebookDocumentCellContentChanges(
                        document=lsp.VersionedTextDocumentIdentifier(uri=last, version=version),
                        changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text="x")])]))))
            latencies.append((await asyncio.wait_for(fut, 120) - t0) * 1000)
        stats = await session.debug_stats(nb_uri)
        await session.stop()
    latencies.sort()
    return {"edits": edits, "median_ms": statistics.median(latencies),
            "p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "analyses": [d.get("analyses") for d in stats["documents"]],
            "incremental": [d.get("incrementalAnalyses") for d in stats["documents"]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    result = asyncio.run(_run(args.edits))
    print(f"notebook cell edit -> diagnostics: median {result['median_ms']:.1f} ms, "
          f"p95 {result['p95_ms']:.1f} ms over {result['edits']} edits; analyses {result['analyses']}, "
          f"incremental {result['incremental']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
