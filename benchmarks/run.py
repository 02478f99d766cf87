"""mpguard performance benchmark: one command, every number side by side, as ratios.

    python benchmarks/run.py            # full run (~10 min on 2 cores)
    python benchmarks/run.py --quick    # reduced counts (~3 min)
    python benchmarks/run.py --only 1,3 # a subset of the sections

Sections (issue 5):
  0. in-process: analyze() vs bare libcst.parse_module, paired, gc.collect() between
  1. edit -> diagnostics over real LSP stdio (median, p95) / bare parse_module of the same text
  2. typing burst: 10 edits 50 ms apart, last edit -> its diagnostics, versions analysed, hover
  3. a file with no process API: edit -> diagnostics round trip
  4. `mpguard check` over the stdlib vs `ruff check --select ALL --no-cache`, alternating runs
  5. server RSS before/after 10,000 edits to the 6,000-line file
  6. a 5 MB file open: hover in another document after each keystroke in the big file

Files come from the running interpreter's stdlib. `multiprocessing/pool.py` and
`popen_spawn_posix.py` only import their own package relatively, so the prefilter skips them;
the benchmark also runs them with `import multiprocessing` prepended ("+import") so that the
whole analysis runs. All ratios are taken pair by pair inside the same run (the machine is noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import libcst as cst  # noqa: E402

from lsp_driver import Session, file_uri, middle_comment_doc, rss_kib, trailing_comment_doc  # noqa: E402

STDLIB = Path(__import__("sysconfig").get_paths()["stdlib"])
FORCE = "import multiprocessing  # mpguard-bench: defeat the prefilter\n"

FILES = {
    "pool.py": ("multiprocessing/pool.py", False),
    "pool.py+import": ("multiprocessing/pool.py", True),
    "popen_spawn_posix.py+import": ("multiprocessing/popen_spawn_posix.py", True),
    "_test_multiprocessing.py": ("test/_test_multiprocessing.py", False),
    "json/decoder.py (no API)": ("json/decoder.py", False),
}


def load(name: str) -> str:
    rel, force = FILES[name]
    text = (STDLIB / rel).read_text(encoding="utf-8")
    return FORCE + text if force else text


def ms(x: float) -> str:
    return f"{x * 1e3:.1f}"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def timed_parse(text: str) -> float:
    gc.collect()
    t0 = time.perf_counter()
    cst.parse_module(text)
    return time.perf_counter() - t0


RESULTS: dict = {}
SETTLE = 2.0  # seconds after `initialized` before measuring
WARMUP = 2  # uncounted edits per document


# ---- 0. in-process --------------------------------------------------------------------------

def section0(quick: bool) -> None:
    from mpguard.config import Config
    from mpguard.engine import analyze

    print("\n## 0. in-process: analyze() vs parse_module (paired, gc.collect() before each op)")
    print("   'after edit' = analyze(new, previous=analysis of the text before one keystroke in the middle")
    print("   of the biggest top-level statement): only the edited top-level statement is re-parsed")
    print(f"{'file':<30} {'lines':>6} {'reps':>4} {'parse ms':>9} {'analyze ms':>11} {'ratio':>6} "
          f"{'after edit ms':>14} {'ratio':>6}")
    out = {}
    for name in FILES:
        text = load(name)
        reps = 5 if quick else 15
        if text.count("\n") > 3000:
            reps = 3 if quick else 7
        edited, line, col = middle_comment_doc(text)
        at = sum(len(part) + 1 for part in edited.split("\n")[:line]) + col
        P, A, R, I, IR = [], [], [], [], []
        previous = analyze(edited, name, Config())
        for k in range(reps):
            p = timed_parse(text)
            gc.collect()
            t0 = time.perf_counter()
            analyze(text, name, Config())
            a = time.perf_counter() - t0
            P.append(p)
            A.append(a)
            R.append(a / p)
            edited = edited[:at + k] + "x" + edited[at + k:]
            p = timed_parse(edited)
            gc.collect()
            t0 = time.perf_counter()
            previous = analyze(edited, name, Config(), previous=previous)
            i = time.perf_counter() - t0
            I.append(i)
            IR.append(i / p)
        out[name] = {"parse_ms": statistics.median(P) * 1e3, "analyze_ms": statistics.median(A) * 1e3,
                     "ratio": statistics.median(R), "after_edit_ms": statistics.median(I) * 1e3,
                     "after_edit_ratio": statistics.median(IR)}
        print(f"{name:<30} {text.count(chr(10)):>6} {reps:>4} {ms(statistics.median(P)):>9} "
              f"{ms(statistics.median(A)):>11} {statistics.median(R):>6.2f} {ms(statistics.median(I)):>14} "
              f"{statistics.median(IR):>6.2f}")
    RESULTS["0_inprocess"] = out


# ---- 1 and 3. edit -> diagnostics ------------------------------------------------------------

EMPTY_CMD = (sys.executable, str(HERE / "empty_server.py"))


async def edit_latency(root: Path, name: str, n: int, command: tuple | None = None,
                       where: str = "end") -> dict:
    """Type `n` characters into a comment, one didChange each, waiting for each one's diagnostics.
    where="end": a comment line appended to the file; "middle": a comment at the end of a line in
    the middle of the biggest top-level statement."""
    make_doc = middle_comment_doc if where == "middle" else trailing_comment_doc
    text, line, col = make_doc(load(name))
    line_start = sum(len(part) + 1 for part in text.split("\n")[:line])
    path = root / Path(FILES[name][0]).name
    path.write_text(text, encoding="utf-8")
    uri = file_uri(str(path))
    s = Session({"debounceMs": 0}, command) if command else Session({"debounceMs": 0})
    await s.start(root)
    try:
        await asyncio.sleep(SETTLE)  # the server warms its optional type-aware lane in the background
        open_s = await s.open(uri, text)
        cur = text
        typed = 0

        async def type_one() -> float:
            nonlocal cur, typed
            at = line_start + col + typed
            cur = cur[:at] + "x" + cur[at:]
            typed += 1
            return await s.edit_and_wait(uri, typed, line, col + typed - 1, "x")

        for _ in range(WARMUP):  # not counted: first analyses import lazily and fill caches
            await type_one()
        lat, parse, ratios = [], [], []
        for _ in range(n):
            lat_i = await type_one()
            p = timed_parse(cur)
            lat.append(lat_i)
            parse.append(p)
            ratios.append(lat_i / p)
        docs = [] if command else (await s.debug_stats(uri)).get("documents", [])
        return {
            "lines": text.count("\n") + 1, "n": n, "where": where, "didOpen_ms": open_s * 1e3,
            "median_ms": statistics.median(lat) * 1e3, "p95_ms": pct(lat, 0.95) * 1e3,
            "parse_median_ms": statistics.median(parse) * 1e3,
            "ratio_median_of_pairs": statistics.median(ratios),
            "ratio_medians": statistics.median(lat) / statistics.median(parse),
            "diagnostics": len(s.last_diags.get(uri, [])),
            "analyses": docs[0].get("analyses") if docs else None,
            "incremental_analyses": docs[0].get("incrementalAnalyses") if docs else None,
        }
    finally:
        await s.stop()


def section1(root: Path, quick: bool) -> None:
    print("\n## 1. edit -> publishDiagnostics over LSP stdio (debounceMs=0, typeAware off), "
          "vs bare parse_module of the same text (client process, paired per edit)")
    print("   where: 'end' = typing in a comment line appended to the file, 'middle' = typing at the end of")
    print("   a line in the middle of the biggest top-level statement; 'full' = incremental re-parse off")
    print(f"{'file':<36} {'lines':>6} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'parse ms':>9} "
          f"{'ratio':>6}  target")
    out = {}
    many, few = (10, 3) if quick else (40, 10)
    # (file, where, incremental re-parse on?, edits); the target is the pool.py+import rows
    plan = [("pool.py+import", "middle", True, many), ("pool.py+import", "end", True, many),
            ("pool.py+import", "middle", False, many), ("pool.py", "end", True, many),
            ("popen_spawn_posix.py+import", "end", True, many),
            ("_test_multiprocessing.py", "middle", True, few), ("_test_multiprocessing.py", "end", True, few),
            ("_test_multiprocessing.py", "middle", False, few)]
    for name, where, incremental, n in plan:
        os.environ["MPGUARD_INCREMENTAL"] = "1" if incremental else "0"  # inherited by the server
        try:
            r = asyncio.run(edit_latency(root, name, n, where=where))
        finally:
            os.environ.pop("MPGUARD_INCREMENTAL", None)
        label = f"{name} {where}" + ("" if incremental else " full")
        out[label] = r
        target = "<= 1.5" if name == "pool.py+import" else ("< 1 (stretch)" if name.startswith("_test") and incremental and where == "middle" else "")
        print(f"{label:<36} {r['lines']:>6} {n:>4} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} "
              f"{r['parse_median_ms']:>9.1f} {r['ratio_median_of_pairs']:>6.2f}  {target}"
              f"  ({r['incremental_analyses']}/{r['analyses']} analyses incremental)")
    RESULTS["1_edit_latency"] = out


def section3(root: Path, quick: bool) -> None:
    print("\n## 3. a file with no process API: edit -> diagnostics round trip (target <= 2 ms)")
    name = "json/decoder.py (no API)"
    n = 30 if quick else 200
    mp, floor = [], []
    for _ in range(2):  # A B A B: mpguard, then an empty pygls server (the transport floor)
        mp.append(asyncio.run(edit_latency(root, name, n)))
        floor.append(asyncio.run(edit_latency(root, name, n, EMPTY_CMD)))
    med = statistics.median([r["median_ms"] for r in mp])
    p95 = statistics.median([r["p95_ms"] for r in mp])
    fmed = statistics.median([r["median_ms"] for r in floor])
    fp95 = statistics.median([r["p95_ms"] for r in floor])
    RESULTS["3_no_api"] = {"mpguard": mp, "empty_server": floor, "median_ms": med, "p95_ms": p95,
                           "floor_median_ms": fmed, "floor_p95_ms": fp95}
    print(f"{name}: {mp[0]['lines']} lines, 2 x {n} edits: mpguard median {med:.2f} ms, p95 {p95:.2f} ms; "
          f"empty pygls server median {fmed:.2f} ms, p95 {fp95:.2f} ms; ratio {med / fmed:.2f} "
          f"(bare parse would be {mp[0]['parse_median_ms']:.1f} ms)")


# ---- 2. burst ----------------------------------------------------------------------------------

async def burst(root: Path, name: str, rounds: int, keys: int = 10, gap: float = 0.05) -> dict:
    text, line, col = trailing_comment_doc(load(name))
    path = root / ("burst_" + Path(FILES[name][0]).name)
    path.write_text(text, encoding="utf-8")
    uri = file_uri(str(path))
    s = Session()  # default debounce
    await s.start(root)
    try:
        await asyncio.sleep(SETTLE)
        await s.open(uri, text)
        version = 0
        finals, hovers, analysed = [], [], []
        for _ in range(rounds):
            await asyncio.sleep(0.3)
            before = await s.debug_stats(uri)
            before_n = _doc_stats(before, uri).get("analyses", 0)
            hover_tasks = []
            t_next = time.perf_counter()
            last_send = 0.0
            for _k in range(keys):
                version += 1
                last_send = s.change(uri, version, line, col + version - 1, "x")
                # hover on the line being typed, while the server is busy
                hover_tasks.append(asyncio.ensure_future(s.hover(uri, 0, 1)))
                t_next += gap
                await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
            got = await s.wait_version(uri, version)
            finals.append(got - last_send)
            hovers.extend(await asyncio.gather(*hover_tasks))
            after = await s.debug_stats(uri)
            st = _doc_stats(after, uri)
            burst_versions = [v for v in st.get("versionsAnalysed", []) if v is not None and version - keys < v <= version]
            analysed.append({"analyses": st.get("analyses", 0) - before_n, "versions": burst_versions})
        return {
            "lines": text.count("\n") + 1, "rounds": rounds, "keys": keys, "gap_ms": gap * 1e3,
            "last_edit_to_diag_median_ms": statistics.median(finals) * 1e3,
            "last_edit_to_diag_max_ms": max(finals) * 1e3,
            "hover_median_ms": statistics.median(hovers) * 1e3, "hover_p95_ms": pct(hovers, 0.95) * 1e3,
            "hover_max_ms": max(hovers) * 1e3,
            "analysed_per_burst": analysed,
        }
    finally:
        await s.stop()


def _doc_stats(stats: dict, uri: str) -> dict:
    docs = stats.get("documents") or {}
    if isinstance(docs, list):  # [{uri, analyses, ...}]
        for d in docs:
            if d.get("uri") == uri:
                return d
        return docs[0] if docs else {}
    return docs.get(uri) or (next(iter(docs.values())) if docs else {})


def section2(root: Path, quick: bool) -> None:
    print("\n## 2. typing burst: 10 edits 50 ms apart (default debounce), hover after each edit")
    out = {}
    plan = [("pool.py+import", 2 if quick else 5)] + ([] if quick else [("_test_multiprocessing.py", 2)])
    for name, rounds in plan:
        r = asyncio.run(burst(root, name, rounds))
        out[name] = r
        counts = [a["analyses"] for a in r["analysed_per_burst"]]
        only_newest = all(a["versions"] == [max(a["versions"])] for a in r["analysed_per_burst"] if a["versions"])
        print(f"{name}: last edit -> diagnostics median {r['last_edit_to_diag_median_ms']:.0f} ms "
              f"(max {r['last_edit_to_diag_max_ms']:.0f}); analyses per burst {counts} "
              f"(only newest: {only_newest}); hover median {r['hover_median_ms']:.1f} ms, "
              f"p95 {r['hover_p95_ms']:.1f}, max {r['hover_max_ms']:.1f} (target <= 20)")
        r["only_newest"] = only_newest
    RESULTS["2_burst"] = out


# ---- 4. CLI vs ruff ----------------------------------------------------------------------------

def stdlib_copy(dest: Path) -> Path:
    tree = dest / "stdlib"
    if tree.exists():
        return tree

    def ignore(d: str, names: list[str]) -> list[str]:
        return [n for n in names if n in ("site-packages", "__pycache__") or
                (not n.endswith(".py") and not os.path.isdir(os.path.join(d, n)))]

    shutil.copytree(STDLIB, tree, ignore=ignore, symlinks=False)
    return tree


def _wall(cmd: list[str], cpu: list | None = None, env: dict | None = None) -> float:
    """Wall time of a command; appends its CPU time (user+sys of it and its children) to `cpu`."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return wall


def section4(root: Path, quick: bool) -> None:
    print("\n## 4. `mpguard check` over the stdlib vs `ruff check --select ALL --no-cache` (A B A B ...)")
    ruff = shutil.which("ruff")
    tree = stdlib_copy(root)
    nfiles = sum(1 for _ in tree.rglob("*.py"))
    mp_cold = [sys.executable, "-m", "mpguard", "check", "-q", "--no-cache", str(tree)]
    mp_warm = [sys.executable, "-m", "mpguard", "check", "-q", str(tree)]
    if ruff is None:
        print("ruff not found: pip install -e '.[bench]'")
        return
    rf = [ruff, "check", "--select", "ALL", "--no-cache", "--isolated", str(tree)]
    # Ruff's default output renders a code frame for each of its ~10^5 findings; --statistics
    # keeps the analysis and drops the rendering: the stricter comparison.
    rs = rf[:-1] + ["--statistics", str(tree)]
    pairs = 1 if quick else 3
    env = dict(os.environ, MPGUARD_CACHE_DIR=str(root / "cache"))
    _wall(mp_warm, env=env)  # fills the cache (and the page cache) once
    _wall(rf)
    cold, warm, ruffs, c_cpu, w_cpu, r_cpu = [], [], [], [], [], []
    stats, s_cpu, cold2, c2_cpu = [], [], [], []
    for _ in range(pairs):
        cold2.append(_wall(mp_cold, c2_cpu, env))
        stats.append(_wall(rs, s_cpu))
        cold.append(_wall(mp_cold, c_cpu, env))
        ruffs.append(_wall(rf, r_cpu))
        _wall(mp_warm, env=env)  # re-prime: the key includes mpguard's own code (edited meanwhile?)
        warm.append(_wall(mp_warm, w_cpu, env))
        ruffs.append(_wall(rf, r_cpu))
    r_cold = statistics.median([c / r for c, r in zip(cold, ruffs[0::2])])
    r_warm = statistics.median([w / r for w, r in zip(warm, ruffs[1::2])])
    r_cold_cpu = statistics.median([c / r for c, r in zip(c_cpu, r_cpu[0::2])])
    r_warm_cpu = statistics.median([w / r for w, r in zip(w_cpu, r_cpu[1::2])])
    RESULTS["4_cli_vs_ruff"] = {
        "files": nfiles, "pairs": pairs, "mpguard_cold_s": cold, "mpguard_warm_s": warm, "ruff_s": ruffs,
        "mpguard_cold_cpu_s": c_cpu, "mpguard_warm_cpu_s": w_cpu, "ruff_cpu_s": r_cpu,
        "ratio_cold": r_cold, "ratio_warm": r_warm, "ratio_cold_cpu": r_cold_cpu, "ratio_warm_cpu": r_warm_cpu,
    }
    print(f"{nfiles} files; wall: mpguard --no-cache {statistics.median(cold):.2f} s, "
          f"mpguard (warm cache) {statistics.median(warm):.2f} s, ruff ALL {statistics.median(ruffs):.2f} s")
    print(f"CPU (user+sys): mpguard --no-cache {statistics.median(c_cpu):.2f} s, warm "
          f"{statistics.median(w_cpu):.2f} s, ruff ALL {statistics.median(r_cpu):.2f} s")
    print(f"ratio mpguard/ruff (pairwise medians): wall cold {r_cold:.2f}, wall warm cache {r_warm:.2f} "
          f"(target <= 1.0); CPU cold {r_cold_cpu:.2f}, CPU warm {r_warm_cpu:.2f}")
    r_s = statistics.median([c / r for c, r in zip(cold2, stats)])
    r_s_cpu = statistics.median([c / r for c, r in zip(c2_cpu, s_cpu)])
    RESULTS["4_cli_vs_ruff"].update({"ruff_statistics_s": stats, "ruff_statistics_cpu_s": s_cpu,
                                     "mpguard_cold2_s": cold2, "mpguard_cold2_cpu_s": c2_cpu,
                                     "ratio_cold_vs_statistics": r_s, "ratio_cold_vs_statistics_cpu": r_s_cpu})
    print(f"vs `ruff ... --statistics` (analysis without rendering): ruff {statistics.median(stats):.2f} s wall, "
          f"{statistics.median(s_cpu):.2f} s CPU; ratio mpguard cold/ruff: wall {r_s:.2f}, CPU {r_s_cpu:.2f}")


# ---- 5. memory ---------------------------------------------------------------------------------

async def memory(root: Path, edits: int, batch: int) -> dict:
    name = "_test_multiprocessing.py"
    text, line, col = trailing_comment_doc(load(name))
    path = root / ("mem_" + Path(FILES[name][0]).name)
    path.write_text(text, encoding="utf-8")
    uri = file_uri(str(path))
    s = Session({"debounceMs": 300})
    await s.start(root)
    try:
        await asyncio.sleep(SETTLE)
        await s.open(uri, text)
        # settle: one analysed edit so every lazily imported module is in
        await s.edit_and_wait(uri, 1, line, col, "x")
        version = 1
        start = rss_kib(s.pid)
        samples = [(version, start)]
        t0 = time.perf_counter()
        while version < edits + 1:
            for _ in range(min(batch, edits + 1 - version)):
                version += 1
                s.change(uri, version, line, col + version - 1, "x")
            await s.wait_version(uri, version, timeout=300)
            # Sample at rest, as a user pausing after a burst would see it: the server collects
            # garbage and trims its heap after 1 s without edits or analyses
            # (MpguardServer.schedule_collection).
            await asyncio.sleep(2.0)
            samples.append((version, rss_kib(s.pid)))
        stats = _doc_stats(await s.debug_stats(uri), uri)
        # RSS moves by about one tree (+-10 %) depending on whether the previous analysis's
        # garbage was collected yet: compare the median of the first and last three samples.
        start = statistics.median(x[1] for x in samples[1:4])
        end = statistics.median(x[1] for x in samples[-3:])
        return {"edits": edits, "batch": batch, "rss_start_kib": start, "rss_end_kib": end,
                "rss_first_kib": samples[0][1], "rss_max_kib": max(x[1] for x in samples),
                "growth_pct": 100.0 * (end - start) / start, "seconds": time.perf_counter() - t0,
                "analyses": stats.get("analyses"), "samples": samples}
    finally:
        await s.stop()


def section5(root: Path, quick: bool) -> None:
    edits, batch = (1000, 100) if quick else (10000, 250)
    print(f"\n## 5. server RSS over {edits} edits to _test_multiprocessing.py (debounceMs=300, "
          f"edits sent in batches of {batch}, waiting for each batch's diagnostics + 2 s at rest; start = median of "
          "samples after batches 1-3, end = median of the last 3)")
    r = asyncio.run(memory(root, edits, batch))
    RESULTS["5_memory"] = {k: v for k, v in r.items()}
    print(f"RSS start {r['rss_start_kib'] / 1024:.1f} MiB, end {r['rss_end_kib'] / 1024:.1f} MiB, "
          f"growth {r['growth_pct']:+.1f} % (target <= 10 %); max {r['rss_max_kib'] / 1024:.1f} MiB; "
          f"{r['analyses']} analyses, {r['seconds']:.0f} s")


# ---- 6. a big file open -------------------------------------------------------------------------

BIG_UNIT = "from multiprocessing import Pool\ndef work(x):\n    return x * 2\nwith Pool(2) as p:\n" \
           "    print(p.map(work, range(4)))\n"


async def big_file(root: Path, megabytes: float, edits: int) -> dict:
    """Hover in a small document, idle, then right after each keystroke at the top of an open
    file of `megabytes` (over the size limit: one notice, no analysis; its text is still kept in
    step with every edit on the event loop)."""
    text = (BIG_UNIT + "x = 1  # padding\n" * 60) * int(megabytes * 1_000_000 / (len(BIG_UNIT) + 17 * 60))
    small, big = file_uri(str(root / "small_for_big.py")), file_uri(str(root / "big.py"))
    s = Session({"debounceMs": 0})
    await s.start(root)
    try:
        await asyncio.sleep(SETTLE)
        await s.open(small, BIG_UNIT)
        idle = [await s.hover(small, 3, 6) for _ in range(edits)]
        open_s = await s.open(big, text)
        busy = []
        for version in range(1, edits + 1):
            s.change(big, version, 0, 0, "#")
            busy.append(await s.hover(small, 3, 6))
        await s.wait_version(big, edits)
        return {"bytes": len(text.encode()), "lines": text.count("\n"), "edits": edits,
                "didOpen_to_notice_ms": open_s * 1e3, "rss_kib": rss_kib(s.pid),
                "hover_idle_median_ms": statistics.median(idle) * 1e3,
                "hover_after_edit_median_ms": statistics.median(busy) * 1e3,
                "hover_after_edit_p95_ms": pct(busy, 0.95) * 1e3, "hover_after_edit_max_ms": max(busy) * 1e3}
    finally:
        await s.stop()


def section6(root: Path, quick: bool) -> None:
    edits = 20 if quick else 100
    print(f"\n## 6. a 5 MB file open (over maxFileSizeKb: one notice): hover in another document right after "
          f"each of {edits} keystrokes at the top of the big file (target <= 50 ms)")
    r = asyncio.run(big_file(root, 5.0, edits))
    RESULTS["6_big_file"] = r
    print(f"{r['bytes'] / 1e6:.1f} MB, {r['lines']} lines: didOpen -> notice {r['didOpen_to_notice_ms']:.0f} ms; "
          f"hover idle median {r['hover_idle_median_ms']:.1f} ms; after an edit of the big file median "
          f"{r['hover_after_edit_median_ms']:.1f} ms, p95 {r['hover_after_edit_p95_ms']:.1f}, max "
          f"{r['hover_after_edit_max_ms']:.1f}; server RSS {r['rss_kib'] / 1024:.0f} MiB")


# ---- main --------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="reduced counts")
    ap.add_argument("--only", default="0,1,2,3,4,5,6", help="comma-separated sections")
    ap.add_argument("--json", help="also write the results here")
    ns = ap.parse_args()
    only = {int(x) for x in ns.only.split(",") if x.strip()}
    import mpguard

    print(f"mpguard {mpguard.__version__}, Python {platform.python_version()}, libcst "
          f"{__import__('importlib.metadata').metadata.version('libcst')}, {os.cpu_count()} CPUs, "
          f"{platform.platform()}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="mpguard-bench-") as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text("[tool.mpguard]\n", encoding="utf-8")
        for number, fn in ((0, section0), (1, section1), (2, section2), (3, section3), (4, section4),
                           (5, section5), (6, section6)):
            if number in only:
                if number == 0:
                    fn(ns.quick)  # type: ignore[call-arg]
                else:
                    fn(root, ns.quick)  # type: ignore[call-arg]
    RESULTS["load_average_end"] = os.getloadavg()[0]
    if ns.json:
        Path(ns.json).write_text(json.dumps(RESULTS, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
