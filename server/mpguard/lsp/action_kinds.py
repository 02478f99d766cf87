"""The code actions the server offers: one registry of their kinds and how their edits are made.

An action's ``data`` carries its ``type`` (``ActionType``) from ``textDocument/codeAction`` to
``codeAction/resolve`` and to the ``mpguard.applyFix`` / ``mpguard.fixAll`` commands; every
place that builds, defers or decodes an action reads the table below instead of its own strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from lsprotocol import types as lsp

QUICKFIX = lsp.CodeActionKind.QuickFix.value
REFACTOR_REWRITE = lsp.CodeActionKind.RefactorRewrite.value
FIX_ALL_KIND = "source.fixAll.mpguard"


class ActionType(str, Enum):
    FIX = "fix"  # a finding's own fix (its LSP kind comes from the fix: quickfix or refactor)
    CONVERT_POOL = "convertPool"  # `with Pool(...)` -> `concurrent.futures` (lsp/refactorings.py)
    DISABLE_LINE = "disableLine"  # `# mpguard: ignore[CODE]` on the finding's line
    DISABLE_FILE = "disableFile"  # `# mpguard: ignore-file[CODE]` at the top
    FIX_ALL = "fixAll"  # every safe fix, to a fixed point

    @classmethod
    def parse(cls, value: object) -> Optional["ActionType"]:
        try:
            return cls(value)
        except ValueError:
            return None


@dataclass(frozen=True)
class ActionKind:
    lsp_kind: Optional[str]  # None: the fix says (quickfix or refactor.rewrite)
    # Computed on codeAction/resolve when the client resolves edits: a fix may re-run the fixer,
    # a suppression comment is one cheap line.
    resolve_lazily: bool


REGISTRY: dict[ActionType, ActionKind] = {
    ActionType.FIX: ActionKind(None, resolve_lazily=True),
    ActionType.CONVERT_POOL: ActionKind(REFACTOR_REWRITE, resolve_lazily=True),
    ActionType.DISABLE_LINE: ActionKind(QUICKFIX, resolve_lazily=False),
    ActionType.DISABLE_FILE: ActionKind(QUICKFIX, resolve_lazily=False),
    ActionType.FIX_ALL: ActionKind(FIX_ALL_KIND, resolve_lazily=True),
}

# The `codeActionKinds` the server advertises.
ADVERTISED_KINDS = [QUICKFIX, REFACTOR_REWRITE, FIX_ALL_KIND]


def kind_wanted(kind: str, only: Optional[list[str]]) -> bool:
    """Whether a client's `only` filter (hierarchical, as LSP says) admits `kind`."""
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def resolve_lazily(data: dict) -> bool:
    """Whether the edit of an action with this `data` waits for codeAction/resolve."""
    action_type = ActionType.parse(data.get("type"))
    return action_type is not None and REGISTRY[action_type].resolve_lazily
