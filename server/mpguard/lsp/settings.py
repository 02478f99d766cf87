"""Editor settings: parsing, validation and layering.

Sources, lowest to highest priority:

1. defaults (zero configuration works),
2. ``initializationOptions.globalSettings`` (or a flat ``initializationOptions`` object),
3. ``workspace/configuration`` section ``mpguard`` without a scope,
4. ``initializationOptions.settings[i]`` for the workspace folder holding the document,
5. ``workspace/configuration`` section ``mpguard`` scoped to that folder.

The project keys (``select``, ``ignore``, ``extendSelect``, ``severity``, ``startMethod``,
``targetVersion``, ``platforms``, ``maxFileSizeKb``) override the nearest ``pyproject.toml``
``[tool.mpguard]`` via ``Config.with_overrides``; their "not set" values (``"auto"``, ``[]``) give
the project's value back, also over a lower layer. The code-action toggles (``fixAll``,
``codeAction.fixViolation.enable``, ``codeAction.disableRuleComment.enable``) are Ruff's.
Unknown keys and bad values become warnings, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mpguard.lsp.documents import FolderDict, folder_path as _folder_path


RUN_MODES = ("onType", "onSave")
NOTIFY_LEVELS = ("off", "onError", "onWarning", "always")
LOG_LEVELS = ("error", "warning", "info", "debug")

# Keys that map onto mpguard.config.Config.with_overrides (pyproject names accepted too).
CONFIG_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "extendSelect": "extendSelect",
    "extend-select": "extendSelect",
    "severity": "severity",
    "startMethod": "startMethod",
    "start-method": "startMethod",
    "maxFileSizeKb": "maxFileSizeKb",  # mpguard.size_limit
    "max-file-size-kb": "maxFileSizeKb",
    "targetVersion": "targetVersion",
    "target-version": "targetVersion",
    "platforms": "platforms",
}
# The value of a project key that means "not set: the project's value" (VS Code shows a default).
UNSET_PROJECT_VALUES = {"startMethod": "auto", "targetVersion": "auto"}
# Ruff's code-action toggles: `codeAction: {fixViolation: {enable: false}}`.
CODE_ACTION_TOGGLES = {"fixViolation": "fix_violation", "disableRuleComment": "disable_rule_comment"}
# Keys the server itself understands.
SERVER_KEYS = {
    "enable",
    "run",
    "showNotifications",
    "logLevel",
    "debounceMs",
    "showSyntaxErrors",
    "typeAware",
    "typeAwareDelayMs",
    "typeAwareBudgetMs",
    "interpreter",
    "fixAll",
    "codeAction",
}
# The true/false settings: key -> Settings field ("enabled" as some clients spell it).
BOOLEAN_KEYS = {"enable": "enable", "enabled": "enable", "fixAll": "fix_all",
                "showSyntaxErrors": "show_syntax_errors", "typeAware": "type_aware"}
# Keys the Microsoft-style extension settings carry that the server accepts and ignores.
IGNORED_KEYS = {"workspace", "cwd", "path", "args", "importStrategy", "trace"}


@dataclass
class Settings:
    enable: bool = True
    run: str = "onType"
    show_notifications: str = "off"
    log_level: str = "info"
    debounce_ms: int = 100
    show_syntax_errors: bool = True
    type_aware: bool = True
    type_aware_delay_ms: int = 1000
    type_aware_budget_ms: int = 5000
    interpreter: Optional[str] = None
    fix_all: bool = True  # offer source.fixAll.mpguard
    fix_violation: bool = True  # offer the quick fixes of findings
    disable_rule_comment: bool = True  # offer "Disable MPxxx for this line/file"
    overrides: dict = field(default_factory=dict)  # Config.with_overrides(**overrides)

    def notify_warnings(self) -> bool:
        return self.show_notifications in ("onWarning", "always")

    def notify_errors(self) -> bool:
        return self.show_notifications in ("onError", "onWarning", "always")


def _as_bool(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _as_int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def apply_layer(settings: Settings, raw: Any, source: str, warnings: list[str]) -> Settings:
    """Apply one raw settings object onto ``settings`` (in place) and return it."""
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        warnings.append(f"mpguard: settings from {source} must be an object, got {type(raw).__name__}; ignored")
        return settings
    for key, value in raw.items():
        if value is None:
            continue
        if key in CONFIG_KEYS:
            name = CONFIG_KEYS[key]
            if value == [] and name in ("select", "platforms"):
                settings.overrides.pop(name, None)  # the editor's default, not "none at all"
            elif name in UNSET_PROJECT_VALUES and value == UNSET_PROJECT_VALUES[name]:
                settings.overrides.pop(name, None)
            else:
                settings.overrides[name] = value
        elif key in BOOLEAN_KEYS:
            b = _as_bool(value)
            if b is None:
                warnings.append(f"mpguard: setting `{key}` must be true or false, got {value!r}; ignored")
            else:
                setattr(settings, BOOLEAN_KEYS[key], b)
        elif key == "codeAction":
            _apply_code_action_toggles(settings, value, warnings)
        elif key == "run":
            if value not in RUN_MODES:
                warnings.append(f"mpguard: setting `run` must be one of {', '.join(RUN_MODES)}, got {value!r}; ignored")
            else:
                settings.run = value
        elif key == "showNotifications":
            if value not in NOTIFY_LEVELS:
                warnings.append(
                    f"mpguard: setting `showNotifications` must be one of {', '.join(NOTIFY_LEVELS)}, got {value!r}; ignored"
                )
            else:
                settings.show_notifications = value
        elif key == "logLevel":
            level = str(value).lower()
            level = {"warn": "warning", "trace": "debug", "verbose": "debug", "messages": "debug"}.get(level, level)
            if level not in LOG_LEVELS:
                warnings.append(f"mpguard: setting `logLevel` must be one of {', '.join(LOG_LEVELS)}, got {value!r}; ignored")
            else:
                settings.log_level = level
        elif key in ("debounceMs", "typeAwareDelayMs", "typeAwareBudgetMs"):
            n = _as_int(value)
            if n is None:
                warnings.append(f"mpguard: setting `{key}` must be a non-negative number of milliseconds, got {value!r}; ignored")
            else:
                attr = {"debounceMs": "debounce_ms", "typeAwareDelayMs": "type_aware_delay_ms",
                        "typeAwareBudgetMs": "type_aware_budget_ms"}[key]
                setattr(settings, attr, min(n, 60_000))
        elif key == "interpreter":
            if isinstance(value, list):
                value = value[0] if value else None
            settings.interpreter = str(value) if value else None
        elif key in IGNORED_KEYS:
            continue
        else:
            warnings.append(f"mpguard: unknown setting `{key}` in {source}; ignored")
    return settings


def _apply_code_action_toggles(settings: Settings, value: Any, warnings: list[str]) -> None:
    """`{"fixViolation": {"enable": false}, "disableRuleComment": {"enable": true}}`; a bare
    boolean per toggle is accepted too (`{"fixViolation": false}`)."""
    if not isinstance(value, dict):
        warnings.append(f"mpguard: setting `codeAction` must be an object, got {value!r}; ignored")
        return
    for name, toggle in value.items():
        attr = CODE_ACTION_TOGGLES.get(name)
        if attr is None:
            warnings.append(f"mpguard: unknown setting `codeAction.{name}`; ignored")
            continue
        enable = toggle.get("enable") if isinstance(toggle, dict) else toggle
        b = _as_bool(enable)
        if b is None:
            warnings.append(f"mpguard: setting `codeAction.{name}.enable` must be true or false, got {enable!r}; ignored")
        else:
            setattr(settings, attr, b)


def folder_path(uri: str) -> Optional[str]:
    """The path of a workspace folder given as a URI (any spelling) or a path; None for others."""
    return _folder_path(uri)


def split_initialization_options(options: Any) -> tuple[Optional[dict], dict[str, dict], list[str]]:
    """(global settings, {folder uri: settings}, warnings) from ``initializationOptions``.

    Accepts the Microsoft/Ruff shape ``{settings: [...], globalSettings: {...}}`` and, for editors
    configured by hand (Neovim ``init_options``, Eglot), a flat settings object.
    """
    warnings: list[str] = []
    if options is None:
        return None, {}, warnings
    if not isinstance(options, dict):
        warnings.append("mpguard: initializationOptions must be an object; ignored")
        return None, {}, warnings
    if "settings" not in options and "globalSettings" not in options:
        inner = options.get("mpguard")
        if isinstance(inner, dict):  # {"mpguard": {...}} as some clients nest it
            return inner, {}, warnings
        return options, {}, warnings
    global_settings = options.get("globalSettings")
    per_folder: dict[str, dict] = FolderDict()  # any spelling of a folder's URI (or its path) finds it
    folders = options.get("settings")
    if isinstance(folders, dict):
        folders = [folders]
    if isinstance(folders, list):
        for entry in folders:
            if not isinstance(entry, dict):
                warnings.append("mpguard: each entry of initializationOptions.settings must be an object; ignored")
                continue
            ws = entry.get("workspace")
            if isinstance(ws, str) and ws:
                per_folder[ws.rstrip("/")] = entry
            elif global_settings is None:
                global_settings = entry
    elif folders is not None:
        warnings.append("mpguard: initializationOptions.settings must be a list; ignored")
    for key in options:
        if key not in ("settings", "globalSettings"):
            warnings.append(f"mpguard: unknown key `{key}` in initializationOptions; ignored")
    return global_settings if isinstance(global_settings, dict) else None, per_folder, warnings
