"""Names: which names the module binds or reads anywhere (for fixes that introduce one) and
which it declares `global` somewhere."""

from __future__ import annotations

import builtins
import keyword
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel

_BUILTINS = frozenset(dir(builtins))


class Names:
    def __init__(self, model: "ModuleModel") -> None:
        self.model = model

    @cached_property
    def taken(self) -> frozenset[str]:
        """Every name bound or read in any scope, every builtin and keyword."""
        out = set(_BUILTINS) | set(keyword.kwlist)
        for scope in self.model.scopes:
            out.update(scope.bindings)
            out.update(scope.loads)
        return frozenset(out)

    @cached_property
    def declared_global(self) -> frozenset[str]:
        """Names some function declares `global`."""
        out: set[str] = set()
        for s in self.model.scopes:
            out |= s.globals
        return frozenset(out)

    def unique(self, base: str) -> str:
        """`base` made an identifier, with `_2`, `_3`... appended until no scope uses it."""
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base) or "_worker"
        if base[0].isdigit():
            base = "_" + base
        if base not in self.taken:
            return base
        i = 2
        while f"{base}_{i}" in self.taken:
            i += 1
        return f"{base}_{i}"
