"""A small held-out-style evaluation: realistic scripts with `# expect: MPxxx` markers.

Precision and recall over all (line, code) pairs must stay >= 0.95; the per-script diff is
printed on failure so a regression names its script.
"""

from __future__ import annotations

import re
from pathlib import Path

from mpguard.config import Config
from mpguard.engine import analyze

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.py"))
MARK = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
# A first line `# mpguard-eval: target-version=py314, platforms=linux+windows` sets the targets.
HEADER = re.compile(r"#\s*mpguard-eval:\s*(.*)$")


def config_of(text: str) -> Config:
    match = HEADER.match(text.split("\n", 1)[0].strip())
    settings: dict = {}
    for item in (match.group(1).split(",") if match else ()):
        key, _, value = item.partition("=")
        settings[key.strip()] = value.strip().split("+") if key.strip() == "platforms" else value.strip()
    return Config().with_overrides(**settings) if settings else Config()


def expected(text: str) -> set[tuple[int, str]]:
    out = set()
    for n, line in enumerate(text.splitlines(), start=1):
        m = MARK.search(line)
        if m:
            out |= {(n, c.strip()) for c in m.group(1).split(",") if c.strip()}
    return out


def test_precision_and_recall():
    tp = fp = fn = 0
    report = []
    for script in SCRIPTS:
        text = script.read_text()
        want = expected(text)
        got = {(f.range.start.line, f.code) for f in analyze(text, str(script), config_of(text)).findings
               if f.code not in ("MP302", "MP403")}  # advisory-only codes are not scored
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            report.append(f"{script.name}: missing {sorted(want - got)}, unexpected {sorted(got - want)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    assert precision >= 0.95 and recall >= 0.95, (
        f"precision {precision:.2f}, recall {recall:.2f}\n" + "\n".join(report))
