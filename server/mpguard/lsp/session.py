"""The server's session (as Ruff's ``ruff_server::session``): open documents, the client's
capabilities and the editor settings. Changed on the event loop only.

* Capabilities are resolved once, in ``initialize``, into ``ClientFeatures``.
* Settings (five layers, lsp/settings.py) are resolved once per workspace folder and kept until
  a configuration event (``initialize``, ``workspace/configuration`` answered,
  ``didChangeConfiguration``, a watched ``pyproject.toml``) calls ``invalidate_settings``: a
  keystroke only looks its folder's settings up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from lsprotocol import types as lsp

from mpguard.lsp.documents import FolderDict, KeyedDict, best_folder
from mpguard.lsp.settings import Settings, apply_layer


def _cap(obj: Any, dotted: str, default: Any = None) -> Any:
    for part in dotted.split("."):
        if obj is None:
            return default
        obj = getattr(obj, part, None)
    return default if obj is None else obj


@dataclass(frozen=True)
class ClientFeatures:
    """What the client can do, read once from its ``ClientCapabilities``."""

    pull_diagnostics: bool = False
    resolve_edit: bool = False
    related_information: bool = False  # in the diagnostics the server sends (push or pull)
    document_changes: bool = False
    markdown_hover: bool = True
    configuration: bool = False  # workspace/configuration
    watched_files_registration: bool = False
    configuration_registration: bool = False
    show_document: bool = False
    diagnostic_refresh: bool = False

    @classmethod
    def of(cls, caps: Optional[lsp.ClientCapabilities]) -> "ClientFeatures":
        pull = _cap(caps, "text_document.diagnostic") is not None
        formats = _cap(caps, "text_document.hover.content_format")
        return cls(
            pull_diagnostics=pull,
            resolve_edit="edit" in _cap(caps, "text_document.code_action.resolve_support.properties", []),
            related_information=bool(_cap(caps, "text_document.publish_diagnostics.related_information", False))
            or (pull and bool(_cap(caps, "text_document.diagnostic.related_information", False))),
            document_changes=bool(_cap(caps, "workspace.workspace_edit.document_changes", False)),
            markdown_hover=formats is None or lsp.MarkupKind.Markdown in formats,
            configuration=bool(_cap(caps, "workspace.configuration", False)),
            watched_files_registration=bool(
                _cap(caps, "workspace.did_change_watched_files.dynamic_registration", False)),
            configuration_registration=bool(
                _cap(caps, "workspace.did_change_configuration.dynamic_registration", False)),
            show_document=bool(_cap(caps, "window.show_document.support", False)),
            diagnostic_refresh=bool(_cap(caps, "workspace.diagnostics.refresh_support", False)),
        )


class Session:
    def __init__(self, warn: Callable[[list[str], Optional[Settings]], None]) -> None:
        self.docs: dict[str, Any] = KeyedDict()  # DocState by any spelling of the document's URI
        self.features = ClientFeatures()
        self.init_global: Optional[dict] = None
        self.init_folders: dict[str, dict] = FolderDict()
        self.pulled_global: Optional[dict] = None
        self.pulled_folders: dict[str, dict] = FolderDict()
        self.pushed_settings: Optional[dict] = None  # didChangeConfiguration {"mpguard": {...}}
        self._warn = warn
        self._settings: dict[Optional[str], Settings] = {}  # by workspace folder (None: global)
        self._folders_seen: frozenset[str] = frozenset()

    def initialize(self, caps: Optional[lsp.ClientCapabilities], init_global: Optional[dict],
                   init_folders: dict[str, dict]) -> None:
        self.features = ClientFeatures.of(caps)
        self.init_global, self.init_folders = init_global, init_folders
        self.invalidate_settings()

    def set_pulled(self, pulled_global: Optional[dict], pulled_folders: dict[str, dict]) -> None:
        self.pulled_global, self.pulled_folders = pulled_global, pulled_folders
        self.invalidate_settings()

    def invalidate_settings(self) -> None:
        self._settings.clear()

    # -------------------------------------------------------------- settings
    def folder_for(self, uri: str, workspace_folders: Iterable[str]) -> Optional[str]:
        candidates = set(self.init_folders) | set(self.pulled_folders) | set(workspace_folders)
        return best_folder(uri, candidates)

    def settings_for(self, uri: Optional[str], workspace_folders: Iterable[str]) -> Settings:
        """The settings of the folder holding `uri` (global ones for None), resolved once."""
        folders = frozenset(workspace_folders)
        if folders != self._folders_seen:  # a folder was added or removed: the layers moved
            self._folders_seen = folders
            self._settings.clear()
        folder = self.folder_for(uri, folders) if uri else None
        settings = self._settings.get(folder)
        if settings is None:
            settings = self._settings[folder] = self._resolve(folder)
        return settings

    def _resolve(self, folder: Optional[str]) -> Settings:
        warnings: list[str] = []
        s = Settings()
        apply_layer(s, self.init_global, "initializationOptions", warnings)
        apply_layer(s, self.pulled_global, "workspace/configuration", warnings)
        apply_layer(s, self.pushed_settings, "workspace/didChangeConfiguration", warnings)
        if folder is not None:
            apply_layer(s, self.init_folders.get(folder), f"initializationOptions for {folder}", warnings)
            apply_layer(s, self.pulled_folders.get(folder), f"workspace/configuration for {folder}", warnings)
        self._warn(warnings, s)
        return s
