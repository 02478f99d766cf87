"""Facts: what the rules share, one module per domain, each built at most once per analysis.

``model.facts`` (a :class:`Facts`) builds a domain the first time a rule asks for it
(``functools.cached_property``); rules read ``ctx.facts`` and never write to the model. When a
second rule needs a helper, the helper moves here.

Domains: :mod:`~mpguard.facts.calls` (call sites, dispatches), :mod:`~mpguard.facts.starts`
(start methods, process starts), :mod:`~mpguard.facts.frames` (which code runs where),
:mod:`~mpguard.facts.pickling` (what crosses the process boundary), :mod:`~mpguard.facts.pools`
(pool lifecycle), :mod:`~mpguard.facts.futures` (where results go), :mod:`~mpguard.facts.queues`
(queues and primitives), :mod:`~mpguard.facts.logging` (logging setup), :mod:`~mpguard.facts.names`
(names taken, for fixes that add one).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mpguard.facts.calls import Calls
    from mpguard.facts.frames import Frames
    from mpguard.facts.futures import Futures
    from mpguard.facts.logging import Logging
    from mpguard.facts.names import Names
    from mpguard.facts.pickling import Pickling
    from mpguard.facts.pools import Pools
    from mpguard.facts.queues import Queues
    from mpguard.facts.starts import Starts
    from mpguard.semantic.model import ModuleModel


class Facts:
    def __init__(self, model: "ModuleModel") -> None:
        self.model = model

    @cached_property
    def calls(self) -> "Calls":
        from mpguard.facts.calls import Calls

        return Calls(self.model)

    @cached_property
    def starts(self) -> "Starts":
        from mpguard.facts.starts import Starts

        return Starts(self.model, self.calls)

    @cached_property
    def frames(self) -> "Frames":
        from mpguard.facts.frames import Frames

        return Frames(self.model)

    @cached_property
    def names(self) -> "Names":
        from mpguard.facts.names import Names

        return Names(self.model)

    @cached_property
    def pickling(self) -> "Pickling":
        from mpguard.facts.pickling import Pickling

        return Pickling(self.model)

    @cached_property
    def pools(self) -> "Pools":
        from mpguard.facts.pools import Pools

        return Pools(self.model)

    @cached_property
    def futures(self) -> "Futures":
        from mpguard.facts.futures import Futures

        return Futures(self.model)

    @cached_property
    def queues(self) -> "Queues":
        from mpguard.facts.queues import Queues

        return Queues(self.model)

    @cached_property
    def logging(self) -> "Logging":
        from mpguard.facts.logging import Logging

        return Logging(self.model)
