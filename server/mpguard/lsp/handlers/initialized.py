"""``initialized``: the pulled configuration, dynamic registrations, the type-aware warm-up."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

if TYPE_CHECKING:  # pragma: no cover
    from mpguard.lsp.server import MpguardServer

log = logging.getLogger("mpguard.lsp")


async def initialized(ls: "MpguardServer", params: lsp.InitializedParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.loop_thread = threading.get_ident()
    ls.connected = True
    ls.apply_log_level()
    ls.warn(getattr(ls, "_pending_warnings", []), ls.settings_for(None))
    await ls.pull_configuration()
    ls.apply_log_level()
    features = ls.session.features
    registrations = []
    if features.watched_files_registration:
        registrations.append(
            lsp.Registration(
                id="mpguard-pyproject-watcher",
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                ),
            )
        )
    if features.configuration_registration:
        registrations.append(
            lsp.Registration(
                id="mpguard-configuration",
                method=lsp.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=lsp.DidChangeConfigurationRegistrationOptions(section="mpguard"),
            )
        )
    if registrations:
        try:
            await asyncio.wait_for(
                ls.client_register_capability_async(lsp.RegistrationParams(registrations=registrations)), 10
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("dynamic registration failed: %s", exc)
    ls.warm_up()
    # Documents opened before the pulled configuration arrived are re-linted with it.
    if ls.session.pulled_global or ls.session.pulled_folders:
        ls.relint_all()


def register(server: "MpguardServer") -> None:
    server.feature(lsp.INITIALIZED)(initialized)
