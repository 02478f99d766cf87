"""Notebooks: the module text of the code cells, the cell <-> line mapping, and `mpguard check x.ipynb`."""

from __future__ import annotations

import json
import os

import pytest

from mpguard.cli import main
from mpguard.findings import Range
from mpguard.notebook import NotebookSource, python_lines

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(HERE, "fixtures", "notebooks", "pool_in_notebook.ipynb")
# cells (1-based, all cells): 1 imports + magics, 2 `def square`, 3 unguarded Pool.map(square),
# 4 markdown, 5 %%time + guarded mp.Pool.map(square), 6 %%bash, 7 a fork context pool


@pytest.fixture(scope="module")
def source() -> NotebookSource:
    with open(NOTEBOOK, "rb") as fh:
        return NotebookSource.from_ipynb(fh.read(), NOTEBOOK)


def _cells_json():
    with open(NOTEBOOK, encoding="utf-8") as fh:
        return json.load(fh)["cells"]


def test_code_cells_and_numbering(source):
    assert [c.index for c in source.cells] == [1, 2, 3, 5, 6, 7]  # cell 4 is markdown
    assert [c.id for c in source.cells] == ["cell-1", "cell-2", "cell-3", "cell-5", "cell-6", "cell-7"]


def test_line_counts_are_kept(source):
    lines = source.text.splitlines()
    for cell, raw in zip(source.cells, [c for c in _cells_json() if c["cell_type"] == "code"]):
        src = "".join(raw["source"]).splitlines()
        assert cell.line_count == len(src)
        assert lines[cell.start_line - 1: cell.start_line - 1 + cell.line_count] == python_lines("\n".join(src))


def test_magics_become_comments(source):
    text = source.text
    assert "# %load_ext autoreload" in text and "# !echo ready" in text
    assert "# %%time\nif __name__" in text  # %%time: the body stays Python
    assert "# echo not python: with Pool() as p:" in text  # %%bash: the body is commented out
    compile(text, NOTEBOOK, "exec")


def test_python_lines_variants():
    assert python_lines("x = !ls\ny = %pwd\nlen?\n?len\nz = a % b") == [
        "# x = !ls", "# y = %pwd", "# len?", "# ?len", "z = a % b"]
    assert python_lines("if x:\n    %time f()") == ["if x:", "    # %time f()"]
    assert python_lines("") == []


def test_mapping_round_trip(source):
    for cell in source.cells:
        for n in range(1, cell.line_count + 1):
            line = source.from_cell(cell.index, n)
            assert source.to_cell(line) == (cell.index, n)
    with pytest.raises(KeyError):
        source.from_cell(4, 1)  # markdown


def test_range_to_cell(source):
    line = source.from_cell(3, 2)
    assert source.range_to_cell(Range.of(line, 19, line, 25)) == (3, Range.of(2, 19, 2, 25))


def test_from_cells_for_notebook_documents():
    nb = NotebookSource.from_cells([("vscode-notebook-cell:a#1", "import os\n"), ("vscode-notebook-cell:a#2", "x = 1\ny = 2")])
    assert nb.text == "import os\n\nx = 1\ny = 2\n\n"
    assert nb.to_cell(4) == (2, 2)
    assert nb.from_cell(2, 1) == 3
    assert nb.cells[1].id == "vscode-notebook-cell:a#2"


def test_not_a_notebook():
    with pytest.raises(ValueError):
        NotebookSource.from_ipynb("{not json")
    with pytest.raises(ValueError):
        NotebookSource.from_ipynb("[1, 2]")


def _check_json(capsys, *extra):
    code = main(["check", "--format", "json", *extra, NOTEBOOK])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_check_json_every_finding_is_in_a_code_cell(capsys, source):
    code, findings = _check_json(capsys)
    assert code == 1 and findings
    counts = {c.index: c.line_count for c in source.cells}
    for f in findings:
        assert f["path"] == NOTEBOOK
        assert f["cell"] in counts, f
        assert 1 <= f["range"]["start"]["line"] <= counts[f["cell"]], f
        assert f["cell_id"] == f"cell-{f['cell']}"


def test_check_json_mp204_lands_on_the_cells(capsys):
    _, findings = _check_json(capsys, "--select", "MP204")
    got = [(f["code"], f["cell"], f["range"]["start"]["line"], f["range"]["start"]["column"]) for f in findings]
    # cell 3 line 2 `pool.map(square, ...)` (unguarded) and cell 5 line 4 (guarded: the guard
    # does not help in a notebook); not cell 7, a fork context
    assert got == [("MP204", 3, 2, 20), ("MP204", 5, 4, 27)]  # JSON columns are 1-based
    related = findings[0]["related"][0]
    assert (related["cell"], related["range"]["start"]["line"]) == (2, 1)  # `def square` in cell 2


def test_check_text_output(capsys):
    code = main(["check", "--select", "MP204", NOTEBOOK])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith(f"{NOTEBOOK}:cell 3:2:20: MP204 ")
    assert out[1].startswith(f"{NOTEBOOK}:cell 5:4:27: MP204 ")


def test_fork_start_method_is_not_reported(capsys):
    _, findings = _check_json(capsys, "--select", "MP204", "--start-method", "fork")
    assert findings == []


def test_rule_does_not_fire_on_py_files(tmp_path, capsys, source):
    script = tmp_path / "script.py"
    script.write_text(source.text)
    code = main(["check", "--select", "MP204", str(script)])
    capsys.readouterr()
    assert code == 0


def test_broken_notebook_is_a_read_error(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{nope")
    code = main(["check", str(bad)])
    captured = capsys.readouterr()
    assert code == 1  # an MP000 finding, like any file that cannot be read
    assert f"{bad}:1:1: MP000 error unreadable-file: Cannot read this notebook: " in captured.out
