"""Whether a call runs more than once per pass: inside a loop or a comprehension of its frame."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from mpguard.semantic.records import CallSite
from mpguard.semantic.walk import walk_frame


def in_loop(site: Optional[CallSite]) -> bool:
    """The call sits in a `for`/`while` body or a comprehension (its scope is the comprehension's)."""
    return site is not None and (site.loop_depth > 0 or site.scope.kind == "comprehension")


def innermost_loop(root: cst.CSTNode, node: cst.CSTNode) -> Optional[Union[cst.For, cst.While]]:
    """The innermost `for`/`while` of `root`'s frame whose body holds `node` (a preorder walk
    meets outer loops before the loops nested in them, so the last match is the innermost)."""
    found = None
    for loop in walk_frame(root, source_order=True):
        if isinstance(loop, (cst.For, cst.While)) and holds(loop.body, node):
            found = loop
    return found


def holds(block: cst.CSTNode, node: cst.CSTNode) -> bool:
    return any(n is node for n in walk_frame(block))
