"""Checking the files of a workspace from the language server, with the CLI's machinery.

`mpguard check` and *mpguard: Check Workspace* must agree, so this module reuses the CLI's
pieces rather than copying them: `mpguard.cli.discover` (file discovery, `exclude`, the built-in
excludes), `mpguard.cli.check_file` (the per-file worker: configuration, analysis, unreadable
files as MP000), the spawn-context pool of `mpguard.isolation` and the result cache
(`mpguard.cache.ResultCache`, shared with the CLI: a file `mpguard check` has seen is not analysed
again). What the server adds is what a batch run does not need: results one file at a time (for
progress and for the Problems panel to fill as it goes), cancellation between files, and a stamp
per file (modification time, size, the folder's editor settings) so an unchanged file is neither
read nor reported again.

The server's stdout is its protocol pipe: pool workers start by pointing their stdout at
/dev/null (`quiet_stdout`), so that nothing a library prints can corrupt the protocol.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from mpguard.findings import Finding, Position, Range, RelatedLocation, Severity

# Below this much source to analyse the server's own thread does it: a spawned worker costs
# ~0.3-0.5 s to start (it imports libcst). The CLI makes the same trade at 150 kB (`check_files`);
# the server draws the line lower because an analysis in its process holds the GIL against
# hover and typing: 20 kB is about what linting one open document costs (median hover during a
# check of billiard's 4 files to analyse, 120 kB: 123 ms in a thread, see benchmarks/workspace_check.py).
IN_SERVER_MAX_CHARS = 20_000
CANCEL_POLL_S = 0.05  # how often a wait for pool workers looks at the cancellation flag


@dataclass(frozen=True)
class Root:
    """A workspace folder and the editor settings that apply to its files."""

    path: str
    overrides: dict = field(default_factory=dict)  # Config.with_overrides(**overrides)
    enabled: bool = True

    def fingerprint(self) -> str:
        data = json.dumps([self.overrides, self.enabled], sort_keys=True, default=repr)
        return hashlib.sha256(data.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class CheckedFile:
    path: str
    stamp: Optional[str]  # None: the file could not be stat'ed (gone, unreadable)
    findings: list[dict] = field(default_factory=list)  # Finding.to_json(path)
    warnings: list[str] = field(default_factory=list)
    error: Optional[str] = None
    text: Optional[str] = None  # the analysed text, kept only when there are findings to place


@dataclass
class Discovered:
    files: list[tuple[Path, Root]] = field(default_factory=list)
    config_errors: list[str] = field(default_factory=list)


def discover_roots(roots: list[Root]) -> Discovered:
    """The files `mpguard check ROOT...` would check, each with its root; notebooks are left out
    (their diagnostics belong to cells, which only exist in an open notebook)."""
    from mpguard.cli import discover

    out = Discovered()
    seen: set[str] = set()
    for root in roots:
        if not root.enabled:
            continue
        found = discover([root.path])
        out.config_errors.extend(e for e in found.config_errors if e not in out.config_errors)
        for path in found.files:
            key = os.path.normcase(os.path.abspath(path))
            if path.suffix != ".ipynb" and key not in seen:
                seen.add(key)
                out.files.append((path, root))
    return out


def file_stamp(path: Path, root: Root) -> Optional[str]:
    """Changes whenever the file or the settings that apply to it change (the result id)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_mtime_ns:x}-{st.st_size:x}-{root.fingerprint()}"


def quiet_stdout() -> None:
    """Pool initializer: a worker's stdout is the server's protocol pipe; send it to /dev/null."""
    import sys

    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.close(fd)
    sys.stdout = sys.stderr


def finding_from_json(data: dict) -> Finding:
    """The inverse of `Finding.to_json` (fixes are left out: they are computed for open files)."""

    def rng(r: dict) -> Range:
        return Range(Position(r["start"]["line"], r["start"]["column"]),
                     Position(r["end"]["line"], r["end"]["column"]))

    return Finding(
        code=data["code"], name=data["name"], severity=Severity.parse(data["severity"]),
        message=data["message"], range=rng(data["range"]),
        related=[RelatedLocation(rng(r["range"]), r["message"]) for r in data.get("related", [])],
    )


@dataclass
class _Job:
    path: Path
    root: Root
    stamp: Optional[str]
    size: int
    cache_key: Optional[str]


class WorkspaceEngine:
    """Runs checks of many files; one at a time per engine (the server has one)."""

    def __init__(self) -> None:
        self.threads = ThreadPoolExecutor(1, thread_name_prefix="mpguard-workspace")
        self.analysed = 0  # files analysed (not prefiltered, not from the cache): for tests/stats

    async def run(self, files: list[tuple[Path, Root]], on_file: Callable[[CheckedFile], None],
                  cancelled: Callable[[], bool], workers: Optional[int] = None) -> bool:
        """Check `files`, calling `on_file` on the event loop for each as soon as it is done.
        False when `cancelled()` became true first (files not yet started are not checked)."""
        loop = asyncio.get_running_loop()
        from mpguard.cache import ResultCache

        cache = ResultCache()
        todo: list[_Job] = []
        done_here: list[CheckedFile] = []

        def triage_all() -> None:
            for path, root in files:
                if cancelled():
                    return
                got = self._triage(path, root, cache)
                if isinstance(got, CheckedFile):
                    done_here.append(got)
                else:
                    todo.append(got)

        await loop.run_in_executor(self.threads, triage_all)
        for result in done_here:
            on_file(result)
        if cancelled():
            return False
        todo.sort(key=lambda job: -job.size)  # biggest first: one large file does not finish last
        if not todo or sum(job.size for job in todo) < IN_SERVER_MAX_CHARS:
            return await self._run_here(todo, cache, on_file, cancelled)
        return await self._run_pool(todo, cache, on_file, cancelled, workers)

    def _triage(self, path: Path, root: Root, cache) -> "CheckedFile | _Job":
        """What the CLI's `check_files` does in the parent: the prefilter and the cache."""
        from mpguard.cli import _config, read_source
        from mpguard.engine import mentions_process_api

        stamp = file_stamp(path, root)
        try:
            text = read_source(path)
            cfg = _config(path, root.overrides)
        except Exception:  # noqa: BLE001 - the worker reports it (MP000) exactly as the CLI does
            return _Job(path, root, stamp, 0, None)
        if "\x00" not in text and not mentions_process_api(text):
            return CheckedFile(str(path), stamp, warnings=list(cfg.warnings))
        key = cache.key(str(path), text, cfg)
        got = cache.get(key) if key is not None else None
        if got is not None:
            return CheckedFile(str(path), stamp, got["findings"], got["warnings"],
                               text=text if got["findings"] else None)
        return _Job(path, root, stamp, len(text), key)

    def _finish(self, job: _Job, report, cache) -> CheckedFile:
        self.analysed += 1
        if (job.cache_key is not None and report.error is None
                and not any("internal error" in w for w in report.warnings)):
            cache.put(job.cache_key, report.findings, report.warnings)
        text = None
        if report.findings:
            from mpguard.cli import read_source

            try:
                text = read_source(job.path)
            except Exception:  # noqa: BLE001 - positions are then taken as code points
                text = None
        return CheckedFile(str(job.path), job.stamp, report.findings, report.warnings, report.error, text)

    async def _run_here(self, todo: list[_Job], cache, on_file, cancelled) -> bool:
        from mpguard.cli import check_file

        loop = asyncio.get_running_loop()
        for job in todo:
            if cancelled():
                return False
            report = await loop.run_in_executor(self.threads, check_file, (str(job.path), job.root.overrides))
            on_file(await loop.run_in_executor(self.threads, self._finish, job, report, cache))
        return not cancelled()

    async def _run_pool(self, todo: list[_Job], cache, on_file, cancelled, workers: Optional[int]) -> bool:
        from concurrent.futures import ProcessPoolExecutor

        from mpguard.cli import FileReport, check_file
        from mpguard.isolation import isolated_spawn_context, pool_size

        loop = asyncio.get_running_loop()
        pool: Executor = ProcessPoolExecutor(max_workers=min(pool_size(workers), len(todo)),
                                             mp_context=isolated_spawn_context(), initializer=quiet_stdout)
        try:
            pending = {asyncio.wrap_future(pool.submit(check_file, (str(job.path), job.root.overrides))): job
                       for job in todo}
            while pending:
                if cancelled():
                    return False
                finished, _ = await asyncio.wait(pending, timeout=CANCEL_POLL_S,
                                                 return_when=asyncio.FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    try:
                        report = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker died (native crash, OOM killer)
                        report = FileReport(str(job.path), error=f"{job.path}: internal error: "
                                                                 f"its worker process failed ({type(exc).__name__})")
                    on_file(await loop.run_in_executor(self.threads, self._finish, job, report, cache))
            return True
        finally:
            # Queued files are dropped; the few already running finish in the background.
            pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
