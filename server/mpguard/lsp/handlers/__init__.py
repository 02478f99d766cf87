"""One module per LSP method (as Ruff's ruff_server ``api/requests`` and ``api/notifications``).

Each module holds module-level handlers ``(ls: MpguardServer, params) -> result`` and a
``register(server)`` that installs them; ``register_all`` installs every module. Handlers read
and change state through the server (``MpguardServer``: session, scheduler, request lane) only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer


def register_all(server: "MpguardServer") -> None:
    from mpguard.lsp.handlers import (
        code_action,
        code_action_resolve,
        debug_stats,
        did_change,
        did_change_configuration,
        did_change_watched_files,
        did_close,
        did_open,
        did_save,
        execute_command,
        exit,
        hover,
        initialize,
        initialized,
        shutdown,
    )

    for module in (initialize, initialized, shutdown, exit, did_open, did_change, did_save, did_close,
                   did_change_configuration, did_change_watched_files, code_action, code_action_resolve,
                   execute_command, hover, debug_stats):
        module.register(server)
