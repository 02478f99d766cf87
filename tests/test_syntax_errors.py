"""MP000 `syntax-error`: the parser's own message, in one line of at most 100 characters, at the
place that is wrong. CPython's parser names the cause and its position; libcst's message is used
only for syntax CPython accepts and libcst does not."""

from __future__ import annotations

import pytest

from mpguard import analysis
from mpguard.engine import analyze

HEAD = "import multiprocessing\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        # (1-based line, 0-based start and end column, message)
        ("x = foo(1,\n", (2, 7, 8, "SyntaxError: '(' was never closed")),
        ("def f():\nreturn 1\n",
         (3, 0, 6, "SyntaxError: expected an indented block after function definition on line 2")),
        ("x = 'abc\n", (2, 4, 5, "SyntaxError: unterminated string literal (detected at line 2)")),
        ("x = [1, 2 3]\n", (2, 8, 11, "SyntaxError: invalid syntax. Perhaps you forgot a comma?")),
        # columns count characters, not UTF-8 bytes
        ("s = 'é😀' + (\n", (2, 11, 12, "SyntaxError: '(' was never closed")),
    ],
)
def test_cpython_names_the_cause_at_its_place(body, expected):
    f = analyze(HEAD + body, "t.py").syntax_error
    assert (f.code, f.name) == ("MP000", "syntax-error")
    assert (f.range.start.line, f.range.start.column, f.range.end.column, f.message) == expected


def test_an_error_past_the_last_line_is_reported_at_the_end_of_the_text():
    # The block that is missing would start after the last character of the text.
    f = analyze(HEAD + "if True:", "t.py").syntax_error
    assert f.message == "SyntaxError: expected an indented block after 'if' statement on line 2"
    assert (f.range.start.line, f.range.start.column) == (2, 8)


def test_syntax_only_libcst_rejects_gets_libcsts_message_at_its_position(monkeypatch):
    # As if CPython accepted the text (a construct libcst does not support yet).
    monkeypatch.setattr(analysis, "compile", lambda *args, **kwargs: None, raising=False)
    f = analyze(HEAD + "def f():\nreturn 1\n", "t.py").syntax_error
    assert (f.range.start.line, f.range.start.column) == (3, 7)  # libcst's "error at 3:7"
    assert f.message == "SyntaxError: libcst cannot parse this: expected INDENT"


def test_a_long_parser_message_is_cut_to_one_line_of_100_characters(monkeypatch):
    monkeypatch.setattr(analysis, "compile", lambda *args, **kwargs: None, raising=False)
    f = analyze(HEAD + "x = 1\n  y = 2\n", "t.py").syntax_error
    assert len(f.message) == 100 and f.message.endswith("…") and "\n" not in f.message
    assert f.message.startswith("SyntaxError: libcst cannot parse this: expected one of (, *, +, -")
    assert (f.range.start.line, f.range.start.column) == (3, 2)
