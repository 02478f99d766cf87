"""Jupyter notebooks as one module, with the mapping between module lines and cells.

The code cells are concatenated in order, each followed by one empty separator line, so that a
cell without a trailing newline never runs into the next one. IPython syntax that is not Python
becomes a comment of the same line (line and cell numbers stay those of the notebook):

* line magics and shell escapes: ``%time ...``, ``!pip install ...``, ``x = !ls``, ``x = %pwd``;
* help lines: ``obj?``, ``obj??``, ``?obj``;
* a cell magic line (``%%time``); the body of a cell magic that is not Python (``%%bash``,
  ``%%html``, ...) is commented out entirely, the body of ``%%time``/``%%timeit``/``%%capture``/
  ``%%prun`` stays code.

Cell numbers: **1-based index among all cells of the notebook, markdown and raw cells included**
— the position a user counts in Jupyter's UI (Jupyter's ``[n]`` execution counts are not used:
they change on every run). For :meth:`NotebookSource.from_cells` (notebook documents of the LSP,
which only hold code cells) the index is the 1-based position in the given list.
Cell lines are 1-based, columns are unchanged (0-based, as in :class:`mpguard.findings.Range`).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence, Union

from mpguard.findings import Position, Range

# cell magics whose body is Python run in the kernel (other bodies are commented out)
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
_ASSIGN_MAGIC = re.compile(r"^[ \t]*[\w.,\s\[\]()*]+=[ \t]*[!%]")
_HELP = re.compile(r"^[ \t]*(\?\??[\w.]+|[\w.\[\]()'\"]+\?\??)[ \t]*$")


@dataclass
class Cell:
    index: int  # 1-based cell number (see the module docstring)
    id: str  # the cell id / document URI, or "" when the notebook has none
    text: str  # the cell's source as written
    start_line: int  # 1-based module line of the cell's first line
    line_count: int  # lines of the cell in the module (without the separator line)


@dataclass
class NotebookSource:
    """The module text of a notebook's code cells and the line mapping both ways."""

    text: str
    cells: list[Cell] = field(default_factory=list)  # code cells, in order
    path: Optional[str] = None

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def from_ipynb(cls, data: Union[str, bytes, dict], path: Optional[str] = None) -> "NotebookSource":
        """From the notebook JSON (text, bytes or the parsed dict); raises ValueError when it is
        not a notebook."""
        nb = data
        if isinstance(data, bytes):
            data = data.decode("utf-8-sig")
        if isinstance(data, str):
            try:
                nb = json.loads(data)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a notebook (invalid JSON: {exc})") from None
        if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
            raise ValueError("not a notebook (no `cells` list)")
        language = (((nb.get("metadata") or {}).get("kernelspec") or {}).get("language") or "python")
        cells = []
        for i, cell in enumerate(nb.get("cells", []), start=1):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            if isinstance(src, list):
                src = "".join(str(s) for s in src)
            cells.append((i, str(cell.get("id", "")), str(src)))
        if str(language).lower() not in ("python", "python3", ""):
            cells = []  # an R/Julia notebook: nothing to check
        return cls._build(cells, path)

    @classmethod
    def from_cells(cls, cells: Iterable[tuple[str, str]], path: Optional[str] = None) -> "NotebookSource":
        """From (cell id or URI, text) pairs of code cells, in notebook order."""
        return cls._build([(i, cid, text) for i, (cid, text) in enumerate(cells, start=1)], path)

    @classmethod
    def _build(cls, cells: Sequence[tuple[int, str, str]], path: Optional[str]) -> "NotebookSource":
        out_lines: list[str] = []
        infos: list[Cell] = []
        for index, cid, src in cells:
            lines = python_lines(src)
            infos.append(Cell(index, cid, src, len(out_lines) + 1, len(lines)))
            out_lines.extend(lines)
            out_lines.append("")  # separator
        text = "\n".join(out_lines) + ("\n" if out_lines else "")
        return cls(text, infos, path)

    # ---- mapping -----------------------------------------------------------------------------

    def to_cell(self, line: int) -> tuple[int, int]:
        """(cell index, 1-based line in the cell) of a 1-based module line. A separator line maps
        to the line after the end of the cell before it; lines before the first cell to (first, 1)."""
        if not self.cells:
            return (1, line)
        starts = [c.start_line for c in self.cells]
        k = bisect.bisect_right(starts, line) - 1
        if k < 0:
            return (self.cells[0].index, 1)
        cell = self.cells[k]
        return (cell.index, line - cell.start_line + 1)

    def from_cell(self, cell_index: int, cell_line: int) -> int:
        """The 1-based module line of a 1-based line of a code cell; KeyError for a cell that is
        not a code cell of this notebook."""
        for cell in self.cells:
            if cell.index == cell_index:
                return cell.start_line + cell_line - 1
        raise KeyError(cell_index)

    def cell(self, cell_index: int) -> Cell:
        for cell in self.cells:
            if cell.index == cell_index:
                return cell
        raise KeyError(cell_index)

    def range_to_cell(self, rng: Range) -> tuple[int, Range]:
        """(cell index, the range relative to that cell). A range running past its cell's end is
        clipped to the cell's last line."""
        index, start = self.to_cell(rng.start.line)
        end_index, end = self.to_cell(rng.end.line)
        end_col = rng.end.column
        if end_index != index:
            cell = self.cell(index)
            end = max(cell.line_count, start)
            lines = python_lines(cell.text)
            end_col = len(lines[end - 1]) if 0 < end <= len(lines) else 0
        return index, Range(Position(start, rng.start.column), Position(end, end_col))


# --------------------------------------------------------------------------------------------
# IPython syntax -> Python
# --------------------------------------------------------------------------------------------

def python_lines(src: str) -> list[str]:
    """The lines of one cell with IPython-only syntax commented out (same number of lines)."""
    lines = src.splitlines()
    if not lines:
        return [""] if src else []
    out: list[str] = []
    first = lines[0].lstrip()
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        out.append(_comment(lines[0]))
        if magic not in _PYTHON_CELL_MAGICS:
            out.extend(_comment(line) if line.strip() else line for line in lines[1:])
            return out
        lines = lines[1:]
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or _ASSIGN_MAGIC.match(line) or (
                stripped and not stripped.startswith("#") and _HELP.match(line)):
            out.append(_comment(line))
        else:
            out.append(line)
    return out


def _comment(line: str) -> str:
    stripped = line.lstrip()
    return line[: len(line) - len(stripped)] + "# " + stripped


def is_notebook_path(path: Optional[str]) -> bool:
    return bool(path) and str(path).lower().endswith(".ipynb")


def _finding_to_json(self: NotebookSource, finding, path: Optional[str] = None) -> dict:
    """``Finding.to_json`` with ``cell`` (see the module docstring), ``cell_id`` and every range
    relative to its cell (related locations get their own ``cell``)."""
    out = finding.to_json(path)
    cell, rng = self.range_to_cell(finding.range)
    out["cell"] = cell
    try:
        out["cell_id"] = self.cell(cell).id
    except KeyError:
        out["cell_id"] = ""
    out["range"] = rng.to_json()
    related = []
    for item, rel in zip(out.get("related", []), finding.related):
        rcell, rrng = self.range_to_cell(rel.range)
        related.append({**item, "cell": rcell, "range": rrng.to_json()})
    out["related"] = related
    return out


NotebookSource.finding_to_json = _finding_to_json  # type: ignore[attr-defined]
