"""Refactorings offered at the cursor even where no rule reports anything.

"Convert Pool to ProcessPoolExecutor" is attached by rules (MP402, ...) to their findings; here the
same engine conversion (:mod:`mpguard.fixes.pool_to_executor`) is offered on *any* convertible
``with Pool(...) as p:`` block that contains the cursor. Everything is best effort: if the engine
API is missing or raises, no refactoring is offered.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import libcst as cst

from mpguard.findings import Range

log = logging.getLogger("mpguard.lsp")

CONVERT_TITLE = "Convert Pool to ProcessPoolExecutor"


class _WithCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.With] = []

    def visit_With(self, node: cst.With) -> None:
        self.found.append(node)


def pool_conversions(model: Any, req: Range) -> list[tuple[str, Callable[[], Optional[str]]]]:
    """(title, compute new module text) for convertible `with Pool(...)` blocks around `req`."""
    if model is None:
        return []
    try:
        from mpguard.fixes.pool_to_executor import can_convert_pool, convert_pool_to_executor
    except Exception:  # noqa: BLE001 - engine API not available
        return []
    out: list[tuple[str, Callable[[], Optional[str]]]] = []
    try:
        if "Pool" not in model.text:
            return []
        collector = _WithCollector()
        model.module.visit(collector)
        # innermost first
        for node in reversed(collector.found):
            rng = model.range_of(node)
            if rng is None or not (rng.start <= req.start and req.end <= rng.end):
                continue
            if not can_convert_pool(model, node):
                continue

            def compute(node=node) -> Optional[str]:
                new = convert_pool_to_executor(model, node)
                return None if new is None else new.code

            out.append((CONVERT_TITLE, compute))
            break
    except Exception:  # noqa: BLE001
        log.debug("pool conversion lookup failed", exc_info=True)
    return out
