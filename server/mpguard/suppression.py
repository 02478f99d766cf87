"""`# mpguard: ignore[...]` comments: parsing, filtering findings, and the edits that add them.

Comments are found with :mod:`tokenize` so that the text `# mpguard: ignore` inside a string is
not a suppression. The (pure-Python, ~0.1 s on a 6k-line file) tokenizer only runs when the text
contains something that looks like a suppression at all.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Optional

from mpguard.catalogue import is_known_code
from mpguard.findings import Finding, Position, Range, TextEdit

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMMENT = re.compile(
    r"#\s*mpguard:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)


@dataclass
class Suppression:
    line: int  # 1-based line of the comment
    column: int
    end_column: int
    file_level: bool
    codes: Optional[list[str]]  # None: bare ignore (every code)
    used_codes: set[str] = field(default_factory=set)
    own_line: bool = False  # the comment is alone on its line (then it also covers the next line)

    @property
    def range(self) -> Range:
        return Range.of(self.line, self.column, self.line, self.end_column)


def _lines(text: str) -> list[str]:
    """Lines as Python and LSP count them (\n, \r\n, \r): splitlines also breaks at \x0c,
    \u2028, ..., which put "Disable for this line" on another line than the finding's."""
    return _LINE_BREAK.split(text)


def parse_suppressions(text: str) -> list[Suppression]:
    if "mpguard" not in text or _COMMENT.search(text) is None:
        return []
    out: list[Suppression] = []
    lines = _lines(text)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text, newline="").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Half-typed code: fall back to a line scan (strings containing the marker are rare).
        tokens = []
        for i, line in enumerate(lines, start=1):
            idx = line.find("#")
            while idx != -1:
                if _COMMENT.match(line, idx):
                    tokens.append(
                        tokenize.TokenInfo(tokenize.COMMENT, line[idx:], (i, idx), (i, len(line)), line)
                    )
                    break
                idx = line.find("#", idx + 1)
    for tok in tokens:
        if tok.type != tokenize.COMMENT or "mpguard" not in tok.string:
            continue
        m = _COMMENT.search(tok.string)
        if not m:
            continue
        codes = None
        if m.group("codes") is not None:
            codes = [c.strip().upper() for c in m.group("codes").split(",") if c.strip()]
        line_no, col = tok.start
        own_line = tok.line[:col].strip() == ""
        out.append(
            Suppression(
                line=line_no,
                column=col + m.start(),
                end_column=col + m.end(),
                file_level=m.group("kind").lower() == "ignore-file",
                codes=codes,
                own_line=own_line,
            )
        )
    return out


def _covers(s: Suppression, code: str) -> bool:
    return s.codes is None or code in s.codes


def apply_suppressions(
    findings: list[Finding], suppressions: list[Suppression]
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (kept, suppressed). A line comment covers its own line, and, when it is
    alone on its line, the next line too ("the reported line or the line above")."""
    if not suppressions:
        return findings, []
    by_line: dict[int, list[Suppression]] = {}
    file_level: list[Suppression] = []
    for s in suppressions:
        if s.file_level:
            file_level.append(s)
        else:
            by_line.setdefault(s.line, []).append(s)
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        hit = None
        for s in file_level:
            if _covers(s, f.code):
                hit = s
                break
        if hit is None:
            line = f.range.start.line
            for s in by_line.get(line, []) + by_line.get(line - 1, []):
                if s.line == line - 1 and not s.own_line:
                    continue  # a trailing comment on the previous statement is not for us
                if _covers(s, f.code):
                    hit = s
                    break
        if hit is None:
            kept.append(f)
        else:
            hit.used_codes.add(f.code)
            suppressed.append(f)
    return kept, suppressed


def unused_suppression_problems(
    suppressions: list[Suppression], enabled: frozenset[str]
) -> list[tuple[Range, str]]:
    """(range, message) for MP900: unknown codes, and codes that suppressed nothing."""
    problems: list[tuple[Range, str]] = []
    for s in suppressions:
        if s.codes is None:
            if not s.used_codes:
                problems.append((s.range, "Unused blanket `# mpguard: ignore`: nothing is reported here"))
            continue
        for code in s.codes:
            if not is_known_code(code):
                problems.append((s.range, f"Unknown rule code {code} in suppression comment"))
            elif code not in s.used_codes and code in enabled:
                problems.append((s.range, f"Unused suppression: {code} is not reported here"))
    return problems


def line_suppression_edit(text: str, line: int, code: str) -> TextEdit:
    """Edit that silences `code` on 1-based `line`: extends an existing `# mpguard: ignore[...]`
    comment on that line, or appends one."""
    lines = _lines(text)
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    for s in parse_suppressions(src + "\n"):
        if s.file_level:
            continue
        if s.codes is None or code in s.codes:
            return TextEdit(Range.of(line, len(src), line, len(src)), "")
        new = f"# mpguard: ignore[{', '.join([*s.codes, code])}]"
        return TextEdit(Range.of(line, s.column, line, s.end_column), new)
    stripped = src.rstrip()
    sep = "  " if stripped else ""
    return TextEdit(Range.of(line, len(stripped), line, len(src)), f"{sep}# mpguard: ignore[{code}]")


def file_suppression_edit(text: str, code: str) -> TextEdit:
    """Edit that adds `# mpguard: ignore-file[code]` after the shebang / encoding / docstring-free
    header comments at the top of the file (or extends an existing one)."""
    for s in parse_suppressions(text):
        if s.file_level and s.codes is not None and code not in s.codes:
            line = _lines(text)[s.line - 1]
            new = f"# mpguard: ignore-file[{', '.join([*s.codes, code])}]"
            return TextEdit(Range.of(s.line, s.column, s.line, s.end_column), new)
        if s.file_level and (s.codes is None or code in s.codes):
            return TextEdit(Range(Position(1, 0), Position(1, 0)), "")
    lines = _lines(text)
    insert_at = 0
    for i, line in enumerate(lines[:2]):
        if line.startswith("#!") or re.match(r"^[ \t\f]*#.*coding[:=]", line):
            insert_at = i + 1
    return TextEdit(Range.of(insert_at + 1, 0, insert_at + 1, 0), f"# mpguard: ignore-file[{code}]\n")
