"""MP000: mpguard could not check a file. Not a rule (nothing turns it off), so its documentation
lives here; `mpguard rule MP000` prints it and docs/rules/MP000.md is generated from it."""

from __future__ import annotations

from mpguard.findings import Finding, Range, Severity

# name -> (what happened, what to do): the table of the page, and the hover of one finding
PROBLEMS: dict[str, tuple[str, str]] = {
    "syntax-error": (
        "the file does not parse (CPython's message and position; libcst's for syntax only libcst rejects)",
        "fix the syntax; in the editor the last findings stay until it parses again"),
    "too-deeply-nested": (
        "a statement nests more than 1,000 levels deep (`- - - … x`, a chain of thousands of `+`), or an "
        "`if` has more than 3,000 `elif` branches; parsing it would overflow the parser's stack",
        "split the expression, or exclude the generated file"),
    "unreadable-file": (
        "the file cannot be read or decoded: permission denied, bytes that are not valid in its encoding, "
        "not a regular file (a FIFO, a device, a symlink to one), or over the 5 MB size limit; also a folder "
        "that cannot be listed",
        "fix the permissions, declare the encoding (`# -*- coding: latin-1 -*-`), or exclude the path"),
    "file-too-large": (
        "the editor holds a file over the size limit (`maxFileSizeKb`, `max-file-size-kb`; 1,024 kB by "
        "default), so the language server did not analyse it (information, not an error)",
        "raise the limit or set it to 0, or exclude the generated file; `mpguard check --force` checks it"),
    "internal-error": (
        "mpguard failed on this file (an exception, or its worker process died)",
        "please report it with the file"),
}

SUMMARY = "mpguard could not check this file (it does not parse, is too deeply nested or unreadable)"

_PAGE = """# MP000 syntax-error: cannot check this file

**Default severity:** error · **Fix:** none · **Applies to:** every start method

mpguard could not check this file, so none of its other rules ran on it. One finding is reported
at the place that stopped it, with one of these names:

{problems}

## Why

A file mpguard cannot check is not a clean file: reporting nothing would hide it from CI. The
finding appears in every output format (text, JSON, SARIF), so a code-scanning upload shows it
like any other result.

## Exit code

`mpguard check` exits with 1 when it reports MP000, as with any finding, and with 2 when an
`internal-error` occurred (or for a usage error: an unknown rule code, a path that does not exist,
a `pyproject.toml` that does not parse).

## Configuration

MP000 cannot be disabled with `ignore`, `select` or a suppression comment: exclude the file
(`exclude = ["generated/**"]`) instead.
"""


def _table() -> str:
    rows = ["| name | what happened | what to do |", "|---|---|---|"]
    rows += [f"| `{name}` | {what} | {todo} |" for name, (what, todo) in PROBLEMS.items()]
    return "\n".join(rows) + "\n"


DOCUMENTATION = _PAGE.replace("{problems}\n", _table())


def unreadable_finding(message: str) -> Finding:
    return Finding("MP000", "unreadable-file", Severity.ERROR, message, Range.of(1, 0, 1, 1))


def internal_error_finding(message: str) -> Finding:
    return Finding("MP000", "internal-error", Severity.ERROR, message, Range.of(1, 0, 1, 1))
