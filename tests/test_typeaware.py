"""Type-aware checks (mpguard.typeaware): jedi decides what the syntactic model cannot."""

from __future__ import annotations

import os
import time

import pytest

from mpguard import typeaware
from mpguard.engine import analyze as syntactic

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "typeaware_project")
MAIN = os.path.join(ROOT, "main.py")
BUDGET = 120.0  # a cold jedi (typeshed + numpy stubs) takes a few seconds on a slow machine

# (code, line) expected in main.py, with what makes each one
EXPECTED = {
    ("MP203", 18),  # open_log() -> io.TextIOWrapper
    ("MP203", 19),  # make_lock() -> threading.Lock
    ("MP203", 20),  # Store.conn: sqlite3.Connection (class attribute annotation)
    ("MP301", 22),  # load_matrix() -> numpy.ndarray, sent in a loop
    ("MP203", 24),  # open_log() called inline in the args
    ("MP203", 25),  # numbers(): a generator function annotated Iterator[int]
    ("MP203", 26),  # make_executor() -> ProcessPoolExecutor
    ("MP201", 27),  # helpers.work = lambda x: x
    ("MP207", 28),  # async def helpers.fetch
    ("MP202", 29),  # helpers.nested = make_worker() -> a nested def
}
NEGATIVE_LINES = {23, 30}  # log_path() -> str; helpers.square, a module-level def


def _main_text() -> str:
    with open(MAIN, encoding="utf-8") as fh:
        return fh.read()


@pytest.fixture(scope="module")
def findings():
    typeaware.clear_cache()
    return typeaware.analyze(_main_text(), MAIN, root=ROOT, budget_s=BUDGET)


def test_syntactic_engine_cannot_see_these():
    result = syntactic(_main_text(), MAIN)
    assert result.findings == []


def test_type_aware_findings(findings):
    got = {(f.code, f.range.start.line) for f in findings}
    assert got == EXPECTED


def test_negatives_produce_nothing(findings):
    assert not [f for f in findings if f.range.start.line in NEGATIVE_LINES]


def test_messages_and_ranges(findings):
    by_line = {f.range.start.line: f for f in findings}
    log = by_line[18]
    assert log.name == "unpicklable-argument" and log.severity.value == "error"
    assert log.message == "`log` is an open file, which `Pool.apply_async()` cannot pickle"
    assert (log.range.start.column, log.range.end.column) == (33, 36)
    assert "threading.Lock" in by_line[19].message
    assert by_line[20].message.startswith("`store.conn` is a `sqlite3` database connection")
    assert by_line[22].name == "large-argument-pickled" and by_line[22].message.startswith("`matrix` (an array)")
    assert "helpers.py:3" in by_line[27].message
    assert by_line[28].name == "coroutine-to-process"
    assert "make_worker.<locals>.inner" in by_line[29].message
    assert all(len(f.message) <= 100 for f in findings), [f.message for f in findings]
    # the worker findings are on the worker argument
    assert by_line[27].range.start.column == len("        pool.map(")


def test_cached_per_file_version(findings):
    t0 = time.monotonic()
    again = typeaware.analyze(_main_text(), MAIN, root=ROOT, budget_s=BUDGET)
    assert time.monotonic() - t0 < 0.5
    assert [(f.code, f.range) for f in again] == [(f.code, f.range) for f in findings]


def test_zero_budget_returns_nothing_quickly():
    text = _main_text() + "\n# another version\n"
    t0 = time.monotonic()
    assert typeaware.analyze(text, MAIN, root=ROOT, budget_s=0) == []
    assert time.monotonic() - t0 < 0.5


def test_no_duplicate_of_syntactic_finding(findings):
    text = _main_text().replace("    lock = make_lock()\n", "    import threading\n    lock = threading.Lock()\n")
    syn = syntactic(text, MAIN).findings
    assert [(f.code, f.range.start.line) for f in syn] == [("MP203", 20)]
    extra = typeaware.analyze(text, MAIN, root=ROOT, budget_s=BUDGET)
    assert ("MP203", syn[0].range) not in {(f.code, f.range) for f in extra}
    assert ("MP203", 19) in {(f.code, f.range.start.line) for f in extra}  # open_log still found


def test_suppression_comment_applies(findings):
    text = _main_text().replace("(log, 1)).get()", "(log, 1)).get()  # mpguard: ignore[MP203]")
    got = {(f.code, f.range.start.line) for f in typeaware.analyze(text, MAIN, root=ROOT, budget_s=BUDGET)}
    assert ("MP203", 18) not in got and ("MP203", 19) in got


@pytest.mark.parametrize("text", ["", "def (:\n", "import multiprocessing\n\x00", "x = 1\n"])
def test_never_raises(text):
    assert typeaware.analyze(text, None, budget_s=5) == []


def test_warm_up_does_not_raise():
    typeaware.warm_up(ROOT)


def test_partial_answer_then_on_complete():
    import threading

    typeaware.clear_cache()
    text = _main_text() + "\n# version for the callback test\n"
    done = threading.Event()
    got: list = []

    def complete(findings):
        got.extend(findings)
        done.set()

    first = typeaware.analyze(text, MAIN, root=ROOT, budget_s=0.001, on_complete=complete)
    assert len(first) < len(EXPECTED)
    assert done.wait(BUDGET)
    assert {(f.code, f.range.start.line) for f in got} == EXPECTED
    # and the cache now has the complete answer
    assert len(typeaware.analyze(text, MAIN, root=ROOT, budget_s=0)) == len(EXPECTED)


def test_environment_path_is_accepted():
    import sys

    typeaware.warm_up(ROOT, sys.executable)
    text = _main_text() + "\n# environment version\n"
    got = typeaware.analyze(text, MAIN, ROOT, sys.executable, budget_s=BUDGET)
    assert {(f.code, f.range.start.line) for f in got} == EXPECTED


def test_a_truncated_parse_cache_entry_is_discarded_not_fatal(tmp_path, monkeypatch):
    """parso writes its on-disk cache without a temporary file: a truncated entry (a process
    killed mid-write, two writers at once) must not silence the type-aware lane for good."""
    import jedi
    import parso.cache

    monkeypatch.setattr(jedi.settings, "cache_directory", str(tmp_path))
    # A cold cache re-parses every stub (numpy's too): on a loaded machine that can take longer
    # than the lane's own cap, which is not what this test is about.
    monkeypatch.setattr(typeaware, "_HARD_CAP_S", BUDGET)
    typeaware.clear_cache()
    parso.cache.parser_cache.clear()
    first = typeaware.analyze(_main_text(), MAIN, root=ROOT, budget_s=BUDGET)
    stubs = [os.path.join(os.path.dirname(jedi.__file__), "third_party", "typeshed", "stdlib", name)
             for name in ("builtins.pyi", "threading.pyi", "io.pyi", "sqlite3/__init__.pyi")]
    grammars = {entry.name.split("-")[0] for entry in tmp_path.rglob("*.pkl")}
    truncated = 0
    for grammar in grammars:
        for stub in stubs:
            entry = parso.cache._get_hashed_path(grammar, stub, cache_path=tmp_path)
            if os.path.exists(entry):
                open(entry, "wb").close()  # what a writer killed mid-dump leaves behind
                truncated += 1
    assert truncated >= 3, "jedi's cache layout changed: the test no longer truncates the stubs"
    typeaware.clear_cache()
    parso.cache.parser_cache.clear()
    second = typeaware.analyze(_main_text(), MAIN, root=ROOT, budget_s=BUDGET)
    assert {(f.code, f.range.start.line) for f in second} == EXPECTED
    assert {(f.code, f.range.start.line) for f in first} == EXPECTED
