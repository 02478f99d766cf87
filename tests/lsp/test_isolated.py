"""Huge texts are analysed in a child process (mpguard.lsp.isolated): same findings, cancellable."""

from __future__ import annotations

import threading
import time

from mpguard.engine import analyze
from mpguard.lsp.isolated import IsolatedAnalyzer

UNIT = "\n\ndef work_{i}(x):\n    return x * {i}\n\n\ndef run_{i}():\n    with Pool(2) as pool:\n" \
       "        return pool.map(lambda v: v, range({i}))\n"


def _text(units: int) -> str:
    return "from multiprocessing import Pool\n" + "".join(UNIT.format(i=i) for i in range(units)) + \
        "with Pool(2) as p:\n    p.map(work_0, [1])\n"


def test_child_analysis_reports_the_same_findings_without_fixes():
    text = _text(5)
    here = analyze(text)
    there = IsolatedAnalyzer().analyze("file:///big.py", text, None, None)
    assert there is not None and there.text == text and there.parsed
    assert [(f.code, f.range, f.message) for f in there.findings] == \
        [(f.code, f.range, f.message) for f in here.findings]
    assert {f.code for f in there.findings} >= {"MP101", "MP201"}
    assert all(f.fixes == [] for f in there.findings)


def test_syntax_error_comes_back_as_one():
    there = IsolatedAnalyzer().analyze("file:///bad.py", "import multiprocessing\ndef f(:\n", None, None)
    assert there is not None and not there.parsed and there.syntax_error.code == "MP000"


def test_an_outdated_analysis_is_cancelled_by_killing_the_child():
    analyzer = IsolatedAnalyzer()
    text = _text(3000)  # seconds of work
    result: list = []
    worker = threading.Thread(target=lambda: result.append(analyzer.analyze("file:///a.py", text, None, None)))
    worker.start()
    deadline = time.monotonic() + 30
    while analyzer.runs == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert not analyzer.cancel_outdated("file:///other.py", None)  # another document: untouched
    assert not analyzer.cancel_outdated("file:///a.py", text)  # still the current text
    assert analyzer.cancel_outdated("file:///a.py", text + "x")
    worker.join(30)
    assert result == [None] and analyzer.cancelled == 1
