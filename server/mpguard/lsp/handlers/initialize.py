"""``initialize``: settings from initializationOptions, the client's capabilities (resolved once)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

import mpguard
from mpguard import trust
from mpguard.lsp.documents import adopt_workspace
from mpguard.lsp.settings import split_initialization_options

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


def initialize(ls: "MpguardServer", params: lsp.InitializeParams) -> None:
    options = trust.configure_from_initialize(params)  # workspaceTrusted: see mpguard.trust
    g, folders, warnings = split_initialization_options(options)
    ls.session.initialize(ls.client_capabilities, g, folders)
    ls.pull_mode = ls.supports_pull()
    adopt_workspace(ls.workspace)  # documents, notebooks and folders keyed by mpguard.uris
    if ls.pull_mode:
        from mpguard.lsp.handlers import diagnostic

        # Registered here so the capability is computed with it (pygls builds capabilities
        # after this handler); pushing stays off for this client: no duplicates.
        diagnostic.register(ls)
    ls._pending_warnings = warnings  # type: ignore[attr-defined]
    log.info(
        "mpguard %s initializing (client %s, %s diagnostics, position encoding %s)",
        mpguard.__version__,
        getattr(params.client_info, "name", "?"),
        "pull" if ls.pull_mode else "push",
        ls.workspace.position_encoding,
    )


def register(server: "MpguardServer") -> None:
    server.feature(lsp.INITIALIZE)(initialize)
