"""Whether a call runs more than once per pass: inside a loop or a comprehension of its frame."""

from __future__ import annotations

from typing import Optional

from mpguard.semantic.records import CallSite


def in_loop(site: Optional[CallSite]) -> bool:
    """The call sits in a `for`/`while` body or a comprehension (its scope is the comprehension's)."""
    return site is not None and (site.loop_depth > 0 or site.scope.kind == "comprehension")
