"""The fix engine: a MultiEdit's declared edits applied to the analysed module in one pass."""

from __future__ import annotations

import libcst as cst

from mpguard.fixes.hoist import AddImport, InsertTopLevel
from mpguard.fixes.multi_edit import MultiEdit

SOURCE = '''import os


def outer():
    def inner():
        return 1

    value = inner()
    return value
'''


def parts(source: str = SOURCE):
    module = cst.parse_module(source)
    outer = module.body[1]
    assert isinstance(outer, cst.FunctionDef)
    return module, outer, outer.body.body[0]


def test_move_out_drops_the_blank_lines_that_separated_the_moved_statement() -> None:
    module, _, inner = parts()
    new = MultiEdit().move_out(inner).apply(module)
    assert new is not None and new.code == SOURCE.replace(
        "    def inner():\n        return 1\n\n", "")


def test_remove_stmt_keeps_the_layout_of_what_follows() -> None:
    module, _, inner = parts()
    new = MultiEdit().remove_stmt(inner).apply(module)
    assert new is not None and new.code == SOURCE.replace(
        "    def inner():\n        return 1\n", "")


def test_top_level_edits_apply_after_the_node_edits_at_the_analysed_indices() -> None:
    module, _, inner = parts()
    edit = (MultiEdit().move_out(inner)
            .at_top_level(InsertTopLevel(1, (inner.with_changes(leading_lines=()),)))
            .at_top_level(AddImport("import functools", 1)))
    new = edit.apply(module)
    assert new is not None and new.code == (
        "import os\nimport functools\n\n\n"
        "def inner():\n    return 1\n\n\n"
        "def outer():\n    value = inner()\n    return value\n")
    assert edit.apply(module).code == new.code  # the edits are data: applying them again is the same


def test_no_edit_applies_when_a_node_edit_finds_nothing() -> None:
    module, _, _ = parts()
    stranger = cst.parse_statement("x = 1\n")
    edit = MultiEdit().remove_stmt(stranger).at_top_level(AddImport("import functools", 1))
    assert edit.apply(module) is None


def test_top_level_edits_are_refused_when_node_edits_change_the_top_level() -> None:
    module, outer, _ = parts()
    edit = MultiEdit().remove_stmt(outer).at_top_level(AddImport("import functools", 1))
    assert edit.apply(module) is None
