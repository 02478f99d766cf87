"""The data the engine hands to its front ends (CLI, language server).

Positions are 1-based lines and 0-based columns counted in Unicode code points (Python ``str``
indices); the language server converts columns to the negotiated LSP encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Callable, Optional, Union

if TYPE_CHECKING:
    import libcst as cst

    from mpguard.fixes.multi_edit import ModuleEdit


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @classmethod
    def parse(cls, value: str) -> "Severity":
        return cls(value.strip().lower())


class Safety(str, Enum):
    SAFE = "safe"  # applied by fix-all and `mpguard fix`
    UNSAFE = "unsafe"  # offered as a quick fix only (or `mpguard fix --unsafe-fixes`)


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    column: int  # 0-based, code points


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> "Range":
        return cls(Position(line, column), Position(end_line, end_column))

    def contains_line(self, line: int) -> bool:
        return self.start.line <= line <= self.end.line

    def to_json(self) -> dict:
        return {
            "start": {"line": self.start.line, "column": self.start.column},
            "end": {"line": self.end.line, "column": self.end.column},
        }


@dataclass(frozen=True)
class TextEdit:
    """Replace the text in ``range`` by ``new_text`` (an insertion when the range is empty)."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class RelatedLocation:
    range: Range
    message: str


@dataclass
class Fix:
    """A fix: data with a stable identity and declared edits, turned into text edits on demand
    (never while publishing).

    ``id`` is ``"<code>@<line>:<column>/<kind>"`` (the finding's code and start, the fix's kind:
    a slug of its title unless the rule names one), assigned when the finding is reported; the
    editor sends it back to resolve or apply exactly this fix (:meth:`Analysis.fix_by_id`).
    ``edit`` is a :class:`~mpguard.fixes.multi_edit.MultiEdit` (node-addressed edits on the
    analysed ``module``) or a function that plans one when asked (None: the fix does not apply),
    for fixes whose planning costs more than the finding; the engine applies it and
    :func:`mpguard.textdiff.minimal_edits` turns the result into minimal text edits.
    """

    title: str
    safety: Safety
    edit: Union["ModuleEdit", Callable[[], Optional["ModuleEdit"]]] = field(repr=False, compare=False)
    module: Optional["cst.Module"] = field(default=None, repr=False, compare=False)
    preferred: bool = False
    kind: str = "quickfix"  # or "refactor.rewrite"
    _edits: Optional[tuple[TextEdit, ...]] = field(default=None, repr=False, compare=False)
    _source: str = field(default="", repr=False, compare=False)
    id: str = ""
    key: str = ""  # what the fix does, unique among the fixes of one finding (default: from the title)

    def planned_edit(self) -> Optional["ModuleEdit"]:
        """The declared edits (planned now when the rule gave a planner)."""
        return self.edit() if callable(self.edit) else self.edit

    def new_text(self) -> Optional[str]:
        """The analysed text with the edits applied; None when they no longer apply."""
        edit = self.planned_edit()
        if edit is None or self.module is None:
            return None
        new = edit.apply(self.module)
        return None if new is None else new.code

    def edits(self) -> tuple[TextEdit, ...]:
        """Minimal text edits against the analysed text; empty when the fix does not apply."""
        if self._edits is None:
            from mpguard.textdiff import minimal_edits

            new = self.new_text()
            self._edits = () if new is None or new == self._source else tuple(minimal_edits(self._source, new))
        return self._edits

    def to_json(self) -> dict:
        return {"title": self.title, "safety": self.safety.value}


def fix_key(title: str) -> str:
    """'Insert `pool.close()`' -> "insert-pool-close"."""
    words = "".join(c.lower() if c.isalnum() else " " for c in title).split()
    return "-".join(words)[:60] or "fix"


def fix_id(code: str, at: "Range", key: str) -> str:
    return f"{code}@{at.start.line}:{at.start.column}/{key}"


@dataclass
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    range: Range
    related: list[RelatedLocation] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)

    def to_json(self, path: str | None = None) -> dict:
        out: dict = {}
        if path is not None:
            out["path"] = path
        out.update(
            code=self.code,
            name=self.name,
            severity=self.severity.value,
            message=self.message,
            range=self.range.to_json(),
            related=[{"range": r.range.to_json(), "message": r.message} for r in self.related],
            fixes=[f.to_json() for f in self.fixes],
        )
        return out

    @property
    def sort_key(self) -> tuple:
        return (self.range.start.line, self.range.start.column, self.code)
