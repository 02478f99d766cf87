"""Every editor setting of mpguard, declared once.

    python -m mpguard.lsp.settings_schema          # rewrite the generated files
    python -m mpguard.lsp.settings_schema --check  # exit 1 when one of them is stale

From these declarations come: `contributes.configuration` and the restricted settings of
`package.json`, the settings tables of `docs/editors.md` and `client/README.md` (between
`<!-- settings:begin -->` and `<!-- settings:end -->`), and `client/src/settingsSchema.ts`, the
defaults and key groups the VS Code client reads and its tests check. `tests/test_settings_schema.py`
fails when a generated file is stale and when the server's `Settings` defaults disagree.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Optional

from mpguard.config import PLATFORMS, TARGET_VERSIONS, version_text

ROOT = Path(__file__).resolve().parents[3]
SECTION = "mpguard"


class Reader(str, Enum):
    """Who reads a setting: the server (any editor sends it) or the VS Code client only."""

    SERVER = "server"
    PROJECT = "project"  # read by the server, and overrides `[tool.mpguard]` in pyproject.toml
    LAUNCH = "launch"  # how the client starts the server: a change restarts it
    CLIENT = "client"  # the VS Code client alone (trace)


class Scope(str, Enum):
    """VS Code's configuration scope."""

    RESOURCE = "resource"  # user, workspace or folder
    WINDOW = "window"  # user or workspace
    MACHINE = "machine"  # user settings only


@dataclass(frozen=True)
class Setting:
    key: str  # relative to the `mpguard` section, e.g. "codeAction.fixViolation"
    type: str  # JSON schema type
    default: Any
    summary: str  # one line for the docs tables (Markdown)
    description: str  # VS Code's markdownDescription
    reader: Reader = Reader.SERVER
    scope: Scope = Scope.RESOURCE
    enum: tuple[str, ...] = ()
    enum_descriptions: tuple[str, ...] = ()
    items: Optional[str] = None  # element type of an array
    item_enum: tuple[str, ...] = ()  # the values an array's elements may take
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    restricted: bool = False  # ignored from workspace settings in Restricted Mode (runs programs)
    properties: Optional[dict] = None  # JSON schema of an object's properties
    additional: Optional[dict] = None  # JSON schema of an object's additionalProperties
    server_too: bool = False  # a LAUNCH setting the server reads as well

    @property
    def read_by_server(self) -> bool:
        return self.reader in (Reader.SERVER, Reader.PROJECT) or self.server_too

    @property
    def vscode_name(self) -> str:
        return f"{SECTION}.{self.key}"


_SEVERITY_VALUES = ("error", "warning", "info", "hint")
_TOGGLE = {"enable": {"type": "boolean", "default": True}}

SETTINGS: tuple[Setting, ...] = (
    Setting("enable", "boolean", True, "diagnostics and code actions for this folder",
            "Enable mpguard diagnostics and code actions for this folder."),
    Setting("interpreter", "array", [], "Python that runs the server (VS Code); jedi's Python for the "
            "type-aware checks (server)",
            "Python interpreter used to run the mpguard server: the executable, then optional arguments, "
            "e.g. `[\"/usr/bin/python3.12\"]`. When empty, the Python extension's active environment (if "
            "installed) or `python3`/`python` on `PATH` is used. Needs CPython 3.10 or newer. The server "
            "also gives it to jedi for the type-aware checks. Ignored from workspace settings in "
            "Restricted Mode.",
            reader=Reader.LAUNCH, items="string", restricted=True, server_too=True),
    Setting("path", "array", [], "full command of an installed server, e.g. `[\"mpguard\", \"server\"]`",
            "Full command that starts an externally installed mpguard server, e.g. "
            "`[\"/home/me/.local/bin/mpguard\", \"server\"]`. Overrides `#mpguard.interpreter#` and "
            "`#mpguard.importStrategy#`. Ignored from workspace settings in Restricted Mode.",
            reader=Reader.LAUNCH, items="string", restricted=True),
    Setting("importStrategy", "string", "useBundled", "`fromEnvironment`: the mpguard installed in the "
            "interpreter's environment, if it imports",
            "Where the mpguard server comes from: the copy bundled with the extension (`useBundled`), or "
            "the one installed in the interpreter's environment (`fromEnvironment`, falls back to the "
            "bundled copy when `import mpguard` fails).",
            reader=Reader.LAUNCH, restricted=True, enum=("useBundled", "fromEnvironment"),
            enum_descriptions=(
                "Use the mpguard server and libraries bundled with the extension.",
                "Use mpguard installed in the selected interpreter's environment if it can be imported; "
                "otherwise fall back to the bundled one.")),
    Setting("run", "string", "onType", "`onType`: analyse every edit (debounced); `onSave`: only on open "
            "and save",
            "Analyse as you type (`onType`) or only when a file is opened or saved (`onSave`).",
            enum=("onType", "onSave")),
    Setting("select", "array", [], "rule codes, prefixes or names to enable (`[\"MP2\"]`); when set, "
            "replaces the project's `select`",
            "Rule codes, prefixes or names to enable, e.g. `[\"MP1\", \"MP201\"]`. When set (non-empty), "
            "replaces `select` of `[tool.mpguard]` in `pyproject.toml`; empty: the project's `select`, "
            "else every rule.",
            reader=Reader.PROJECT, items="string"),
    Setting("extendSelect", "array", [], "rule codes, prefixes or names enabled on top of `select`",
            "Rule codes, prefixes or names to enable in addition to `select`, e.g. `[\"MP9\"]`. When set, "
            "replaces `extend-select` of `[tool.mpguard]` in `pyproject.toml`.",
            reader=Reader.PROJECT, items="string"),
    Setting("ignore", "array", [], "rule codes, prefixes or names to disable; when set, replaces the "
            "project's `ignore`",
            "Rule codes, prefixes or names to disable, e.g. `[\"MP302\"]`. When set, replaces `ignore` "
            "of `[tool.mpguard]` in `pyproject.toml`.",
            reader=Reader.PROJECT, items="string"),
    Setting("severity", "object", {}, "per code or prefix: `{\"MP302\": \"hint\"}` (error, warning, "
            "info, hint)",
            "Severity per rule code or prefix, e.g. `{\"MP302\": \"hint\", \"MP6\": \"info\"}`. Merged "
            "over `severity` of `[tool.mpguard]` in `pyproject.toml`.",
            reader=Reader.PROJECT, additional={"type": "string", "enum": list(_SEVERITY_VALUES)}),
    Setting("startMethod", "string", "auto", "start method assumed when the code sets none; `auto`: the "
            "project's, else each platform's default",
            "Start method assumed when the code does not set one (`set_start_method`/`get_context`). "
            "`auto`: `start-method` of `[tool.mpguard]` in `pyproject.toml`, else each targeted "
            "platform's default (`spawn` on Windows and macOS, `fork` or, from Python 3.14, "
            "`forkserver` on Linux). Any other value replaces the project's.",
            reader=Reader.PROJECT, enum=("auto", "spawn", "fork", "forkserver"),
            enum_descriptions=(
                "The project's `start-method`, else the default of each targeted platform and Python.",
                "Children start a fresh interpreter and re-import the main module (Windows, macOS).",
                "Children are forks of the parent (Linux before Python 3.14).",
                "Children are forked from a clean server process (Linux from Python 3.14).")),
    Setting("targetVersion", "string", "auto", "oldest Python the code must run on; `auto`: the project's "
            "`target-version`, else `requires-python`",
            "Oldest Python version the code must run on; it decides each platform's default start "
            "method and the version-specific rules. `auto`: `target-version` of `[tool.mpguard]`, else "
            "the lower bound of `[project] requires-python`, else the Python running mpguard. Any other "
            "value replaces the project's.",
            reader=Reader.PROJECT, enum=("auto",) + tuple(version_text(v) for v in TARGET_VERSIONS)),
    Setting("platforms", "array", [], "platforms the code must run on (`linux`, `macos`, `windows`); "
            "empty: the project's, else all three",
            "Platforms the code must run on, e.g. `[\"linux\"]`. When set (non-empty), replaces "
            "`platforms` of `[tool.mpguard]` in `pyproject.toml`; empty: the project's, else all three.",
            reader=Reader.PROJECT, items="string", item_enum=PLATFORMS),
    Setting("debounceMs", "integer", 100, "quiet time after a keystroke before analysing (ms)",
            "Milliseconds of quiet after a keystroke before the file is analysed (`onType`).",
            minimum=0, maximum=60_000),
    Setting("maxFileSizeKb", "integer", 1024, "a bigger file gets one notice instead of analysis; `0`: "
            "no limit (overrides `max-file-size-kb` in `pyproject.toml`)",
            "Files larger than this many kB get one information notice instead of analysis; `0` turns "
            "the limit off. Overrides `max-file-size-kb` of `[tool.mpguard]` in `pyproject.toml`.",
            reader=Reader.PROJECT, minimum=0, maximum=1_000_000),
    Setting("showSyntaxErrors", "boolean", True, "report MP000 while the file does not parse (the last "
            "findings stay meanwhile)",
            "Report a file that does not parse (MP000). The last findings stay, moved with your edits, "
            "until it parses again."),
    Setting("typeAware", "boolean", True, "slower jedi-based checks after a quiet period",
            "Run the slower type-aware checks (jedi) after `#mpguard.typeAwareDelayMs#` of quiet."),
    Setting("typeAwareDelayMs", "integer", 1000, "quiet time before the type-aware checks (ms)",
            "Milliseconds of quiet after the last edit before the type-aware checks run.",
            minimum=0, maximum=60_000),
    Setting("typeAwareBudgetMs", "integer", 5000, "time budget of one type-aware run (ms)",
            "Time budget in milliseconds of one run of the type-aware checks; what is not done by then "
            "is skipped.",
            minimum=0, maximum=60_000),
    Setting("fixAll", "boolean", True, "offer `source.fixAll.mpguard` (Fix All, fix on save)",
            "Offer the `source.fixAll.mpguard` action: **mpguard: Fix All** and "
            "`editor.codeActionsOnSave`."),
    Setting("codeAction.fixViolation", "object", {"enable": True}, "`{\"enable\": false}` hides the "
            "quick fixes of findings",
            "Show Quick Fix actions that fix a finding.",
            properties=_TOGGLE),
    Setting("codeAction.disableRuleComment", "object", {"enable": True}, "`{\"enable\": false}` hides "
            "\"Disable MPxxx for this line/file\"",
            "Show Quick Fix actions that disable a rule with a `# mpguard: ignore[...]` comment.",
            properties=_TOGGLE),
    Setting("showNotifications", "string", "off", "pop-ups for problems with your settings: `onError`, "
            "`onWarning`, `always`",
            "When the server may show pop-up notifications (e.g. for a bad configuration). Everything is "
            "always written to the log (**mpguard: Show Logs**). A server that cannot start is always "
            "reported.",
            scope=Scope.MACHINE, enum=("off", "onError", "onWarning", "always")),
    Setting("logLevel", "string", "info", "server log level: `error`, `warning`, `info`, `debug`",
            "Log level of the mpguard server (its messages appear in the **mpguard** output channel at "
            "the matching level).",
            scope=Scope.WINDOW, enum=("error", "warning", "info", "debug")),
    Setting("trace.server", "string", "off", "trace the LSP messages into the log",
            "Trace the LSP messages between VS Code and the mpguard server into the **mpguard** output "
            "channel.",
            reader=Reader.CLIENT, scope=Scope.WINDOW, enum=("off", "messages", "verbose")),
)

BY_KEY = {s.key: s for s in SETTINGS}


def contributed_property(s: Setting) -> dict:
    """The `contributes.configuration.properties` entry of one setting."""
    out: dict[str, Any] = {"type": s.type}
    if s.items:
        out["items"] = {"type": s.items, **({"enum": list(s.item_enum)} if s.item_enum else {})}
    if s.properties is not None:
        out["properties"] = s.properties
        out["additionalProperties"] = False
    if s.additional is not None:
        out["additionalProperties"] = s.additional
    if s.enum:
        out["enum"] = list(s.enum)
    if s.enum_descriptions:
        out["enumDescriptions"] = list(s.enum_descriptions)
    if s.minimum is not None:
        out["minimum"] = s.minimum
    if s.maximum is not None:
        out["maximum"] = s.maximum
    out["default"] = s.default
    out["scope"] = s.scope.value
    out["markdownDescription"] = s.description
    return out


def render_package_json(text: str) -> str:
    """package.json with its settings and restricted settings replaced."""
    pkg = json.loads(text)
    pkg["contributes"]["configuration"] = {
        "title": SECTION,
        "properties": {s.vscode_name: contributed_property(s) for s in SETTINGS},
    }
    untrusted = pkg["capabilities"]["untrustedWorkspaces"]
    untrusted["restrictedConfigurations"] = [s.vscode_name for s in SETTINGS if s.restricted]
    return json.dumps(pkg, indent=2, ensure_ascii=False) + "\n"


def _default_cell(s: Setting) -> str:
    return f"`{json.dumps(s.default)}`"


def render_editors_table() -> str:
    """The settings table of docs/editors.md: the keys every editor can send."""
    lines = ["| Key | Default | Meaning |", "| --- | --- | --- |"]
    lines += [f"| `{s.key}` | {_default_cell(s)} | {s.summary} |" for s in SETTINGS if s.read_by_server]
    return "\n".join(lines)


def render_vscode_table() -> str:
    """The settings table of client/README.md: every VS Code setting."""
    lines = ["| setting | default | |", "|---|---|---|"]
    lines += [f"| `{s.vscode_name}` | {_default_cell(s)} | {s.summary} |" for s in SETTINGS]
    return "\n".join(lines)


def _ts(value: Any) -> str:
    return json.dumps(value).replace('"', "'")


def render_client_module() -> str:
    """client/src/settingsSchema.ts: defaults and key groups for the client."""
    def keys(*readers: Reader) -> str:
        return _ts([s.key for s in SETTINGS if s.reader in readers])

    lines = [
        "// GENERATED by `python -m mpguard.lsp.settings_schema` from server/mpguard/lsp/settings_schema.py.",
        "// Do not edit: change the declarations there and re-run it.",
        "",
        "/** Default of every setting, as contributed in package.json. */",
        "export const SETTING_DEFAULTS = {",
    ]
    lines += [f"  '{s.key}': {_ts(s.default)}," for s in SETTINGS]
    lines += [
        "} as const;",
        "",
        "/** Settings the server reads (sent in initializationOptions and workspace/configuration). */",
        f"export const SERVER_READ_KEYS: readonly string[] = {keys(Reader.SERVER, Reader.PROJECT)};",
        "/** Settings that override `[tool.mpguard]` in pyproject.toml: sent only when the user set them. */",
        f"export const PROJECT_KEYS: readonly string[] = {keys(Reader.PROJECT)};",
        "/** Settings that change the server's command line: a change restarts the server. */",
        f"export const LAUNCH_SETTING_KEYS: readonly string[] = {keys(Reader.LAUNCH)};",
        "/** Settings only the client reads (a change needs neither the server nor a restart). */",
        f"export const CLIENT_SETTING_KEYS: readonly string[] = {keys(Reader.CLIENT)};",
        "/** Settings a workspace must not set in Restricted Mode (they run programs). */",
        f"export const RESTRICTED_SETTING_KEYS: readonly string[] = {_ts([s.key for s in SETTINGS if s.restricted])};",
        "",
    ]
    return "\n".join(lines)


_BLOCK = re.compile(r"(<!-- settings:begin -->\n)(?:.*?\n)?(<!-- settings:end -->)", re.DOTALL)


def _replace_block(text: str, table: str, path: Path) -> str:
    if not _BLOCK.search(text):
        raise ValueError(f"{path}: no <!-- settings:begin --> ... <!-- settings:end --> block")
    return _BLOCK.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text, count=1)


def generated(root: Path = ROOT) -> dict[Path, str]:
    """{path: expected content} of every generated file."""
    editors, readme = root / "docs" / "editors.md", root / "client" / "README.md"
    package = root / "package.json"
    return {
        package: render_package_json(package.read_text(encoding="utf-8")),
        editors: _replace_block(editors.read_text(encoding="utf-8"), render_editors_table(), editors),
        readme: _replace_block(readme.read_text(encoding="utf-8"), render_vscode_table(), readme),
        root / "client" / "src" / "settingsSchema.ts": render_client_module(),
    }


def stale(root: Path = ROOT) -> list[Path]:
    """The generated files whose content differs from the declarations."""
    return [p for p, text in generated(root).items() if not p.exists() or p.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    if argv not in ([], ["--check"]):
        print("usage: python -m mpguard.lsp.settings_schema [--check]", file=sys.stderr)
        return 2
    if argv == ["--check"]:
        out = stale()
        for p in out:
            print(f"{p.relative_to(ROOT)} is stale: run `python -m mpguard.lsp.settings_schema`")
        return 1 if out else 0
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
