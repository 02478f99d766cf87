"""Refuse text nested too deeply for libcst's native parser before it sees it.

libcst's parser recurses once per nesting level on the C stack and overflows it (SIGSEGV, or an
abort on Rust's guard page) at a few thousand levels: 5,000 `1 + ` terms, 8,000 `- ` signs,
10,000 `a and ` operands or `()` calls in one statement killed the process on an 8 MB stack
(Linux, CPython 3.11, libcst 1.9). No Python exception is raised, so nothing after the parse can
catch it: the CLI, its workers and the language server all call :func:`too_deeply_nested` first.

Measuring the nesting exactly costs a tokenization (about half a libcst parse), so it is done only
for logical lines long enough to hold ``MAX_NESTING`` levels (each level needs one character at
least); finding those is one regular-expression pass over the brackets and line ends, about 1 %
of a parse. Real code stays far below the limit (the deepest statement of the standard library
nests under 100 levels).
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from typing import Iterator, Optional

from mpguard.findings import Finding, Range, Severity

# A quarter of the smallest nesting that crashed (4,000-5,000 `+` terms on an 8 MB stack); threads
# and Windows' main thread get less stack, and CPython itself refuses ~3,000 levels. The variable
# exists for the tests that prove a crashing worker takes only its own file down.
MAX_NESTING = int(os.environ.get("MPGUARD_MAX_NESTING", "1000"))

# Operators that nest an operand one level deeper in libcst's tree (comparisons are one flat node;
# `=` and `,` do not nest).
_NESTING_OPS = frozenset({
    "+", "-", "*", "/", "//", "%", "@", "**", "~", "&", "|", "^", "<<", ">>", ".", ":=",
})
_NESTING_WORDS = frozenset({"not", "and", "or", "lambda", "if", "else", "await", "yield"})
_OPEN, _CLOSE = "([{", ")]}"
# Strings and comments (skipped whole: their brackets do not count), brackets, and line ends with
# the backslash that may continue them.
_STRUCTURE = re.compile(
    r"(?=['\"#()\[\]{}\\\r\n])(?:"  # the look-ahead lets the scan skip plain text 3x faster
    r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|$)"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|$)'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'?"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
    r"|#[^\r\n]*"
    r"|[()\[\]{}]|\\\r?\n|\r?\n|\r)",
    re.DOTALL,
)


# libcst nests each `elif` inside the previous one: 12,000 branches overflowed the stack, and the
# model's own traversal gives up (RecursionError, reported as MP000) from about 4,000.
MAX_ELIF_CHAIN = 3000
_LINE_START = re.compile(r"^[ \t]*(?=[^ \t\r\n#])", re.MULTILINE)


def too_deeply_nested(text: str) -> Optional[Finding]:
    """An MP000 finding when a statement of `text` nests deeper than ``MAX_NESTING`` or an
    `if` has more than ``MAX_ELIF_CHAIN`` `elif` branches, else None."""
    if len(text) < MAX_NESTING:
        return None
    for start, end in _long_logical_lines(text):
        line = _line_too_deep(text[start:end])
        if line is not None:
            return too_deep_finding(text.count("\n", 0, start) + line)
    if text.count("elif", 0) > MAX_ELIF_CHAIN:  # rare: only then look at the lines
        line = _elif_chain_too_long(text)
        if line is not None:
            return Finding(
                "MP000", "too-deeply-nested", Severity.ERROR,
                f"`if` with more than {MAX_ELIF_CHAIN:,} `elif` branches: mpguard cannot check this file",
                Range.of(line, 0, line, 1),
            )
    return None


def _elif_chain_too_long(text: str) -> Optional[int]:
    """The 1-based line where consecutive `elif` clauses at one indentation exceed the limit
    (lines inside brackets or strings may blur the count: an estimate, erring on either side by
    a few lines only)."""
    chains: dict[int, int] = {}  # indentation -> `elif` clauses in a row there
    for match in _LINE_START.finditer(text):
        indent = match.end() - match.start()
        if text.startswith("elif", match.end()):
            chains[indent] = chains.get(indent, 0) + 1
            if chains[indent] > MAX_ELIF_CHAIN:
                return text.count("\n", 0, match.start()) + 1
        else:
            for deeper in [i for i in chains if i >= indent]:
                del chains[deeper]
    return None


def too_deep_finding(line: int) -> Finding:
    return Finding(
        "MP000", "too-deeply-nested", Severity.ERROR,
        f"Statement nested more than {MAX_NESTING:,} levels deep: mpguard cannot check this file",
        Range.of(line, 0, line, 1),
    )


def _long_logical_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the logical lines at least ``MAX_NESTING`` characters long, found
    from brackets and line ends only. Brackets inside strings or comments can blur a boundary;
    a wrong guess only widens or narrows the span that :func:`_line_too_deep` tokenizes."""
    depth = 0
    start = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token[0] in "'\"#":
            continue
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            if depth:
                depth -= 1
        elif depth == 0 and not token.startswith("\\"):
            end = match.end()
            if end - start >= MAX_NESTING:
                yield start, end
            start = end
    if len(text) - start >= MAX_NESTING:
        yield start, len(text)


def _line_too_deep(segment: str) -> Optional[int]:
    """The 1-based line of `segment` where its nesting first exceeds ``MAX_NESTING``, or None.
    Each open bracket is one level, and within a bracket every nesting operator since the last
    comma adds one (`a + b + c` nests, `[a, b, c]` does not): an upper bound of libcst's depth."""
    segment = segment.lstrip(" \t\f")
    counts = [0]  # nesting operators since the last comma, per open bracket (and the statement)
    total = 0  # sum(counts) + open brackets
    previous_type = None
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(segment).readline):
            kind, string = tok.type, tok.string
            if kind == tokenize.OP:
                if string in _OPEN:
                    if previous_type in (tokenize.NAME, tokenize.STRING) or previous in _CLOSE:
                        counts[-1] += 1  # a call or subscript wraps what precedes it
                        total += 1
                    counts.append(0)
                    total += 1
                elif string in _CLOSE:
                    if len(counts) > 1:
                        total -= counts.pop() + 1
                elif string in (",", ";"):
                    total -= counts[-1]
                    counts[-1] = 0
                elif string in _NESTING_OPS:
                    counts[-1] += 1
                    total += 1
            elif kind == tokenize.NAME and string in _NESTING_WORDS:
                counts[-1] += 1
                total += 1
            elif kind == tokenize.STRING and previous_type == tokenize.STRING:
                counts[-1] += 1  # implicit concatenation nests in libcst
                total += 1
            elif kind == tokenize.NEWLINE:
                counts, total = [0], 0
            if total > MAX_NESTING:
                return tok.start[0]
            previous_type, previous = kind, string
    except (tokenize.TokenError, SyntaxError):
        pass  # an unfinished statement: what was read so far is what libcst would recurse on
    return None
