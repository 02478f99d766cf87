"""Fix and suppression edits in files with \\r-only line ends or other separators (\\x0c, \\u2028):
lines are counted at \\n, \\r\\n and \\r only, as Python and LSP do."""

from __future__ import annotations

import pytest

from mpguard.engine import analyze
from mpguard.suppression import line_suppression_edit, parse_suppressions
from mpguard.textdiff import apply_edits, minimal_edits

UNGUARDED = (
    "from multiprocessing import Pool\n\ndef work(x):\n    return x * 2\n\n"
    "with Pool(2) as p:\n    print(p.map(work, range(4)))\n"
)


@pytest.mark.parametrize("eol", ["\n", "\r", "\r\n"])
def test_fix_edits_rebuild_the_fixed_text(eol):
    text = UNGUARDED.replace("\n", eol)
    (finding,) = analyze(text).findings
    fix = finding.fixes[0]
    assert apply_edits(text, list(fix.edits())) == fix.new_text()
    assert fix.new_text().count('if __name__ == "__main__":') == 1


def test_minimal_edits_positions_count_carriage_returns_as_line_ends():
    (edit,) = minimal_edits("a\rb\rc\r", "a\rB\rc\r")
    assert (edit.range.start.line, edit.range.start.column, edit.new_text) == (2, 0, "B")


@pytest.mark.parametrize("eol", ["\n", "\r", "\r\n"])
def test_suppression_comment_found_on_its_line(eol):
    text = UNGUARDED.replace("with Pool(2) as p:", "with Pool(2) as p:  # mpguard: ignore[MP101]").replace("\n", eol)
    assert [(s.line, s.column) for s in parse_suppressions(text)] == [(6, 20)]
    assert analyze(text).findings == []


def test_disable_for_this_line_lands_on_the_findings_line_despite_form_feeds():
    text = "# a\x0cb \u2028 c\n" + UNGUARDED  # one line for Python and LSP, three for splitlines
    (finding,) = analyze(text).findings
    assert finding.range.start.line == 7
    edit = line_suppression_edit(text, 7, "MP101")
    fixed = apply_edits(text, [edit])
    assert "with Pool(2) as p:  # mpguard: ignore[MP101]\n" in fixed
    assert analyze(fixed).findings == []


def test_carriage_return_only_file_with_the_import_below_a_comment_is_analysed():
    text = "# header\r" + UNGUARDED.replace("\n", "\r")
    assert [(f.code, f.range.start.line) for f in analyze(text).findings] == [("MP101", 7)]
