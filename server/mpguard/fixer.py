"""Apply fixes to a fixed point: the engine behind `mpguard fix` and the server's fix-all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.findings import Safety

MAX_ROUNDS = 20


@dataclass
class FixResult:
    text: str
    applied: list[str] = field(default_factory=list)  # "MP101: Wrap in ..." per applied fix
    remaining: int = 0  # findings left after the last round

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def fix_text(text: str, path: Optional[str], config: Config, unsafe: bool = False,
             only: Optional[set[str]] = None) -> FixResult:
    """Apply one fix at a time, re-analysing after each, until nothing applicable is left.

    One at a time keeps every fix's assumptions true (each is computed on the current text); a
    fix that does not change the text, or that produces text that does not parse, is skipped.
    """
    result = FixResult(text)
    tried: set[tuple[str, str, str]] = set()
    analysis = analyze(result.text, path, config)  # always the analysis of result.text
    for _ in range(MAX_ROUNDS * 5):
        if not analysis.parsed:
            break
        candidate = None
        for finding in analysis.findings:
            if only is not None and finding.code not in only:
                continue
            for fix in finding.fixes:
                if fix.kind != "quickfix" or (fix.safety is not Safety.SAFE and not unsafe):
                    continue
                key = (finding.code, fix.title, result.text)
                if key in tried:
                    continue
                candidate = (finding, fix, key)
                break
            if candidate:
                break
        if candidate is None:
            result.remaining = len(analysis.findings)
            break
        finding, fix, key = candidate
        tried.add(key)
        new = fix.new_text()
        if new is None or new == result.text:
            continue
        # Re-parses only the statements the fix changed (and is the next round's analysis).
        checked = analyze(new, path, config, previous=analysis)
        if not checked.parsed:
            continue  # never write code that does not parse
        result.text, analysis = new, checked
        result.applied.append(f"{finding.code}: {fix.title}")
    return result
