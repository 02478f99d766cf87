"""Editor settings are declared once (mpguard.lsp.settings_schema); the rest is generated from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mpguard.lsp import settings as server_settings
from mpguard.lsp.settings import Settings, apply_layer
from mpguard.lsp.settings_schema import BY_KEY, SETTINGS, Reader, main, stale

ROOT = Path(__file__).resolve().parents[1]
# lsp/settings.py's dataclass field of each setting it reads
FIELDS = {
    "enable": "enable", "run": "run", "showNotifications": "show_notifications", "logLevel": "log_level",
    "debounceMs": "debounce_ms", "showSyntaxErrors": "show_syntax_errors", "typeAware": "type_aware",
    "typeAwareDelayMs": "type_aware_delay_ms", "typeAwareBudgetMs": "type_aware_budget_ms", "fixAll": "fix_all",
}


def nested(flat: dict) -> dict:
    """`{"codeAction.fixViolation": v}` -> `{"codeAction": {"fixViolation": v}}`, as editors send it."""
    out: dict = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def test_generated_files_are_current():
    assert stale() == [], "run `python -m mpguard.lsp.settings_schema`"


def test_check_mode_names_a_stale_file_and_fails(tmp_path, capsys, monkeypatch):
    for rel in ("package.json", "docs/editors.md", "client/README.md", "client/src/settingsSchema.ts"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    (tmp_path / "client/src/settingsSchema.ts").write_text("// edited by hand\n")
    assert [p.relative_to(tmp_path).as_posix() for p in stale(tmp_path)] == ["client/src/settingsSchema.ts"]
    assert main(["--bogus"]) == 2
    assert capsys.readouterr().err == "usage: python -m mpguard.lsp.settings_schema [--check]\n"


def test_server_defaults_are_the_declared_defaults():
    defaults = Settings()
    for key, attr in FIELDS.items():
        assert getattr(defaults, attr) == BY_KEY[key].default, key
    assert defaults.interpreter is None and BY_KEY["interpreter"].default == []
    assert BY_KEY["codeAction.fixViolation"].default == {"enable": defaults.fix_violation}
    assert BY_KEY["codeAction.disableRuleComment"].default == {"enable": defaults.disable_rule_comment}


def test_every_setting_the_server_reads_is_declared_for_vs_code():
    read = {k for k in server_settings.SERVER_KEYS} | {k for k in server_settings.CONFIG_KEYS if "-" not in k}
    declared = {s.key.split(".")[0] for s in SETTINGS if s.read_by_server}
    assert read == declared


def test_the_server_accepts_every_declared_value_without_a_warning():
    warnings: list[str] = []
    raw = nested({s.key: s.default for s in SETTINGS if s.read_by_server})
    settings = apply_layer(Settings(), raw, "test", warnings)
    assert warnings == []
    assert settings.log_level == "info"
    # VS Code shows these defaults; they mean "the project's value", never an override
    assert not {"select", "startMethod", "targetVersion", "platforms"} & set(settings.overrides)


def test_every_declared_value_of_a_project_setting_is_a_valid_override():
    from mpguard.config import Config

    for s in SETTINGS:
        if s.reader is not Reader.PROJECT:
            continue
        for value in s.enum or s.item_enum:
            raw = {s.key: [value] if s.item_enum else value}
            overrides = apply_layer(Settings(), raw, "test", []).overrides
            assert list(Config().with_overrides(**overrides).warnings) == [], (s.key, value)


def test_package_json_contributes_every_setting_with_its_default_and_scope():
    pkg = json.loads((ROOT / "package.json").read_text())
    props = pkg["contributes"]["configuration"]["properties"]
    assert list(props) == [f"mpguard.{s.key}" for s in SETTINGS]
    assert props["mpguard.logLevel"]["default"] == "info"
    assert props["mpguard.debounceMs"] == {
        "type": "integer", "minimum": 0, "maximum": 60000, "default": 100, "scope": "resource",
        "markdownDescription": "Milliseconds of quiet after a keystroke before the file is analysed (`onType`).",
    }
    assert props["mpguard.codeAction.fixViolation"]["default"] == {"enable": True}
    assert props["mpguard.showNotifications"]["scope"] == "machine"
    assert pkg["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"] == [
        "mpguard.interpreter", "mpguard.path", "mpguard.importStrategy"]
    assert {s.key for s in SETTINGS if s.reader is Reader.CLIENT} == {"trace.server"}
    assert props["mpguard.platforms"]["items"] == {"type": "string", "enum": ["linux", "macos", "windows"]}
    assert props["mpguard.targetVersion"]["enum"][:2] == ["auto", "py310"]
    assert props["mpguard.startMethod"]["default"] == "auto"


def test_docs_table_lists_the_keys_any_editor_can_send():
    text = (ROOT / "docs" / "editors.md").read_text()
    assert '| `logLevel` | `"info"` | server log level: `error`, `warning`, `info`, `debug` |' in text
    assert "| `typeAwareBudgetMs` | `5000` |" in text
    table = text.split("<!-- settings:begin -->")[1].split("<!-- settings:end -->")[0]
    assert "| `fixAll` | `true` |" in table  # Ruff's toggles are the server's: Neovim and Emacs too
    assert "`trace.server`" not in table
