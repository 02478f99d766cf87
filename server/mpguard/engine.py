"""The one engine: text in, findings (with lazily computed fixes) out.

The CLI and the language server both call :func:`analyze`; neither re-implements any part of it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Optional

from mpguard.config import Config
from mpguard.findings import Finding, Fix, Range, Severity
from mpguard.semantic.apis import MODULE_ROOTS

log = logging.getLogger("mpguard")

# Files that never import a process API need no parse at all (96 % of the stdlib): the model
# resolves every process API through an import, so a file without one can have no finding.
# A line starts after \n or \r (a \r-only file is one line for re.MULTILINE's ^ otherwise).
def _prefilter(modules: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(m) for m in modules)
    return re.compile(
        rf"(?:^|(?<=\r))[ \t]*import[ \t][^\r\n#]*\b(?:{names})\b"
        rf"|(?:^|(?<=\r))[ \t]*from[ \t]+(?:{names})\b",
        re.MULTILINE,
    )


# The standard library's process modules and the roots of the libraries of semantic.apis that
# need no other word; `from torch import multiprocessing` and `from torch.utils.data import
# DataLoader` both start with `from torch`.
_PREFILTER_WORDS = ("multiprocessing", "concurrent", "billiard", *(m for m, needs in MODULE_ROOTS.items() if not needs))
_PREFILTER = _prefilter(_PREFILTER_WORDS)
_LIBRARY_PREFILTERS = {m: (needs, _prefilter((m,))) for m, needs in MODULE_ROOTS.items() if needs}


def mentions_process_api(text: str, config: Optional[Config] = None) -> bool:
    """Whether `text` imports a process API (the standard library's, a known library's, or one
    `config` declares); the model resolves every process API through an import."""
    words = _PREFILTER_WORDS
    pattern = _PREFILTER
    if config is not None and config.process_apis:
        words = (*words, *sorted({api.name.split(".", 1)[0] for api in config.process_apis}))
        pattern = _prefilter(words)
    if any(word in text for word in words) and pattern.search(text) is not None:
        return True
    return any(module in text and any(n in text for n in needs) and imports.search(text) is not None
               for module, (needs, imports) in _LIBRARY_PREFILTERS.items())


@dataclass
class Analysis:
    path: Optional[str]
    text: str
    findings: list[Finding] = field(default_factory=list)
    syntax_error: Optional[Finding] = None  # also included in findings
    rule_errors: list[str] = field(default_factory=list)  # "MP201: <exception>" for rules that raised
    skipped: bool = False  # prefilter said: no process API here
    model: object = None  # mpguard.semantic.model.ModuleModel when the text parsed
    reparsed_statements: Optional[int] = None  # top-level statements re-parsed when incremental

    @property
    def parsed(self) -> bool:
        return self.syntax_error is None

    def fix_by_id(self, fix_id: str) -> Optional[Fix]:
        """The fix with this id (see :class:`~mpguard.findings.Fix`), None when no finding of
        this analysis has it (the text changed since the id was handed out)."""
        for finding in self.findings:
            for fix in finding.fixes:
                if fix.id == fix_id:
                    return fix
        return None


def analyze(text: str, path: Optional[str] = None, config: Optional[Config] = None,
            previous: Optional[Analysis] = None) -> Analysis:
    """Findings for `text`. `previous`, an analysis of an earlier version of the same document,
    lets the engine re-parse only the top-level statements that changed (the language server
    passes it on every edit)."""
    from mpguard.analysis import run_analysis

    return run_analysis(text, path, config or Config(), previous)


def prepare_incremental(analysis: Analysis) -> None:
    """Precompute what lets the next `analyze(..., previous=analysis)` re-parse incrementally
    (the language server calls it on its analysis thread after publishing)."""
    from mpguard.analysis import prepare_incremental as prepare

    if analysis.model is not None:
        prepare(analysis.model)  # type: ignore[arg-type]


MAX_SYNTAX_MESSAGE = 100  # one line in the Problems panel, as every message (RULES.md)


def syntax_error_finding(message: str, line: int, column: int, end_column: Optional[int] = None) -> Finding:
    """MP000 `syntax-error` at (line, column), 1-based line, 0-based columns; one character wide
    unless the parser gave the end. The message is the parser's own, in at most 100 characters;
    why nothing else is reported lives in MP000's documentation (and its hover)."""
    line = max(line, 1)
    column = max(column, 0)
    end = end_column if end_column is not None and end_column > column else column + 1
    text = f"SyntaxError: {' '.join(message.split())}"
    if len(text) > MAX_SYNTAX_MESSAGE:
        text = text[:MAX_SYNTAX_MESSAGE - 1].rstrip() + "…"
    return Finding(
        code="MP000",
        name="syntax-error",
        severity=Severity.ERROR,
        message=text,
        range=Range.of(line, column, line, end),
    )
