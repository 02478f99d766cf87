"""Per-rule fixture files, as Ruff's and flake8-bugbear's: tests/rules/MPxxx/.

- ``bad_*.py``: every finding of rule MPxxx is pinned by a marker comment on its line,
  ``# <severity>: MPxxx <line>:<column>`` (1-based column; several markers may share a comment,
  separated by ``;``). No other finding of that rule may appear.
- ``bad_*.fixed.py``: the exact text after applying the rule's safe fixes to a fixed point (what
  ``mpguard fix --select MPxxx`` writes); absent when the safe fixes change nothing.
- ``bad_*.unsafe.fixed.py``: the same with unsafe fixes too; absent when it equals the safe output.
- ``good_*.py``: no finding of that rule.

A first line ``# mpguard-fixture: start-method=fork`` (comma-separated ``key=value``; keys
``start-method`` and ``path``) configures the analysis. ``pytest --update-fixtures`` rewrites the
``.fixed.py`` snapshots after a reviewed change; the markers are written by hand.

Only the public API is used (``analyze``, ``fix_text``, ``Config``), so the files outlive
refactors of the rules' internals.
"""

from __future__ import annotations

import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.fixer import fix_text

RULES_DIR = Path(__file__).resolve().parent / "rules"
HEADER = re.compile(r"#\s*mpguard-fixture:\s*(?P<settings>.*)$")
MARKER = re.compile(r"(?P<severity>error|warning|info|hint):\s*(?P<code>MP\d{3})\s+(?P<line>\d+):(?P<column>\d+)")
SETTING_KEYS = {"start-method", "path", "target-version", "platforms"}

# Fixed outputs that are pinned as the fixer produces them today but are not what a careful human
# would write. The snapshot still guards against unnoticed changes; the reason says what is wrong.
# Keys: "MPxxx/bad_name.py" (safe output) or "MPxxx/bad_name.py unsafe" (unsafe output).
KNOWN_ISSUES: dict[str, str] = {
    "MP607/bad_a_literal_above_61.py unsafe": "a literal above 61 should become `61`, not `min(61, 64)`",
}


@dataclass(frozen=True)
class Marker:
    severity: str
    code: str
    line: int
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.severity}: {self.code} {self.line}:{self.column}"


@dataclass(frozen=True)
class FixtureSettings:
    start_method: str = "spawn"
    path: str = "example.py"
    target_version: str = ""  # e.g. py314 (default: the running Python)
    platforms: str = ""  # e.g. linux+windows (default: all)


def fixture_settings(text: str) -> FixtureSettings:
    """The `# mpguard-fixture: key=value, ...` header on the first line, if any."""
    first = text.split("\n", 1)[0]
    match = HEADER.match(first.strip())
    if match is None:
        return FixtureSettings()
    values: dict[str, str] = {}
    for item in match.group("settings").split(","):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in SETTING_KEYS:
            raise ValueError(f"unknown fixture setting {item.strip()!r} (known: {sorted(SETTING_KEYS)})")
        values[key] = value
    # A fixture that names its targets gets their start methods unless it names one too.
    targeted = "target-version" in values or "platforms" in values
    return FixtureSettings(start_method=values.get("start-method", "" if targeted else "spawn"),
                           path=values.get("path", "example.py"),
                           target_version=values.get("target-version", ""), platforms=values.get("platforms", ""))


def markers_in(text: str) -> list[Marker]:
    """Markers in comments only (a marker-like string literal is code, not a marker)."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    try:
        for token in tokens:
            if token.type == tokenize.COMMENT:
                for m in MARKER.finditer(token.string):
                    found.append(Marker(m["severity"], m["code"], int(m["line"]), int(m["column"])))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # A fixture that does not parse (MP000): fall back to the text after each `#`.
        found = [Marker(m["severity"], m["code"], int(m["line"]), int(m["column"]))
                 for line in text.splitlines() if "#" in line
                 for m in MARKER.finditer(line.split("#", 1)[1])]
    return sorted(found, key=lambda m: (m.line, m.column, m.code))


def config_for_fixture(code: str, settings: FixtureSettings) -> Config:
    config = Config(select=frozenset({code}), start_method=settings.start_method or None)
    if settings.target_version:
        config = config.with_overrides(**{"target-version": settings.target_version})
    if settings.platforms:
        config = config.with_overrides(platforms=settings.platforms.split("+"))
    return config


def findings_as_markers(code: str, text: str, settings: FixtureSettings) -> list[Marker]:
    result = analyze(text, settings.path, config_for_fixture(code, settings))
    assert not result.rule_errors, result.rule_errors
    return sorted((Marker(f.severity.value, f.code, f.range.start.line, f.range.start.column + 1)
                   for f in result.findings if f.code == code),
                  key=lambda m: (m.line, m.column, m.code))


def fixed_outputs(code: str, text: str, settings: FixtureSettings) -> tuple[Optional[str], Optional[str]]:
    """(safe output, unsafe output): None where it would equal the previous stage's text."""
    config = config_for_fixture(code, settings)
    safe = fix_text(text, settings.path, config, unsafe=False, only={code}).text
    unsafe = fix_text(text, settings.path, config, unsafe=True, only={code}).text
    return (safe if safe != text else None), (unsafe if unsafe != safe else None)


def snapshot_paths(bad: Path) -> tuple[Path, Path]:
    stem = bad.name[: -len(".py")]
    return bad.with_name(f"{stem}.fixed.py"), bad.with_name(f"{stem}.unsafe.fixed.py")


def is_source_fixture(path: Path) -> bool:
    return path.name.endswith(".py") and not path.name.endswith(".fixed.py")


def all_fixture_files() -> list[Path]:
    return sorted(p for p in RULES_DIR.glob("MP*/*.py") if is_source_fixture(p))


def check_fixture(path: Path, update: bool = False) -> list[str]:
    """Every way `path` disagrees with the engine and the fixer, one line each (empty: it agrees).
    With `update`, the fixed snapshots are rewritten (and stale ones removed) instead."""
    code = path.parent.name
    text = path.read_text()
    settings = fixture_settings(text)
    problems = []
    got = findings_as_markers(code, text, settings)
    if path.name.startswith("good_"):
        problems += [f"unexpected finding {m}" for m in got]
        return problems
    if not path.name.startswith("bad_"):
        return [f"fixture names start with `bad_` or `good_`: {path.name}"]
    want = [m for m in markers_in(text) if m.code == code]
    if not want:
        problems.append(f"a bad fixture needs at least one `# <severity>: {code} line:column` marker")
    problems += [f"missing finding {m}" for m in want if m not in got]
    problems += [f"unexpected finding {m}" for m in got if m not in want]
    for snapshot, output in zip(snapshot_paths(path), fixed_outputs(code, text, settings)):
        if update:
            if output is None:
                snapshot.unlink(missing_ok=True)
            else:
                snapshot.write_text(output)
            continue
        if output is None and snapshot.exists():
            problems.append(f"{snapshot.name} exists but the fixes leave the text unchanged")
        elif output is not None and not snapshot.exists():
            problems.append(f"{snapshot.name} is missing (run pytest --update-fixtures)")
        elif output is not None and snapshot.read_text() != output:
            problems.append(f"{snapshot.name} differs from the fixer's output (run pytest --update-fixtures "
                            "after reviewing the change)")
    return problems


def _fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", all_fixture_files(), ids=_fixture_id)
def test_fixture(path: Path, request: pytest.FixtureRequest) -> None:
    update = bool(request.config.getoption("--update-fixtures"))
    problems = check_fixture(path, update=update)
    assert problems == [], f"{_fixture_id(path)}: " + "; ".join(problems)
    for key, reason in KNOWN_ISSUES.items():
        if key.split(" ")[0] == _fixture_id(path):
            warnings.warn(f"{key}: the pinned fix output is a known issue: {reason}", stacklevel=1)


def test_every_rule_has_fixtures() -> None:
    from mpguard.rules import all_rules

    for code in all_rules():
        names = [p.name for p in (RULES_DIR / code).glob("*.py")]
        assert any(n.startswith("bad_") for n in names), f"{code} has no bad_*.py fixture"
        assert any(n.startswith("good_") for n in names), f"{code} has no good_*.py fixture"


def test_every_snapshot_has_its_bad_file() -> None:
    for snapshot in RULES_DIR.glob("MP*/*.fixed.py"):
        stem = snapshot.name.removesuffix(".fixed.py").removesuffix(".unsafe")
        assert (snapshot.parent / f"{stem}.py").exists(), f"orphan snapshot {snapshot}"


def test_known_issues_name_existing_snapshots() -> None:
    for key in KNOWN_ISSUES:
        name, _, kind = key.partition(" ")
        safe, unsafe = snapshot_paths(RULES_DIR / name)
        assert (unsafe if kind == "unsafe" else safe).exists(), f"KNOWN_ISSUES names no snapshot: {key}"


def test_markers_are_read_from_comments_only() -> None:
    text = 'x = "error: MP201 1:1"  # warning: MP301 1:5; info: MP302 1:9\n'
    assert markers_in(text) == [Marker("warning", "MP301", 1, 5), Marker("info", "MP302", 1, 9)]


def test_fixture_header_is_parsed_and_unknown_keys_rejected() -> None:
    assert fixture_settings("# mpguard-fixture: start-method=fork, path=cells.ipynb\nx = 1\n") == \
        FixtureSettings("fork", "cells.ipynb")
    assert fixture_settings("x = 1\n") == FixtureSettings()
    with pytest.raises(ValueError, match="unknown fixture setting 'colour=red'"):
        fixture_settings("# mpguard-fixture: colour=red\n")


def test_snapshots_bite(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fix whose output changes (MP604 inserting `terminate()` instead of `close()`) fails the
    snapshot comparison: the snapshots pin exact output, not just "it parses"."""
    bad = RULES_DIR / "MP604" / "bad_join_right_after_map.py"
    assert check_fixture(bad) == []
    text = bad.read_text()
    settings = fixture_settings(text)
    finding = next(f for f in analyze(text, settings.path, config_for_fixture("MP604", settings)).findings
                   if f.fixes)
    fix_class = type(finding.fixes[0])
    original = fix_class.new_text

    def mutated(self, *args, **kwargs):
        new = original(self, *args, **kwargs)
        return None if new is None else new.replace(".close()", ".terminate()")

    monkeypatch.setattr(fix_class, "new_text", mutated)
    assert check_fixture(bad) == [
        "bad_join_right_after_map.fixed.py differs from the fixer's output (run pytest --update-fixtures "
        "after reviewing the change)"]


# ---- messages ---------------------------------------------------------------------------------

# MP000's message is the parser's own text (engine.syntax_error_finding), not a rule message.
MESSAGE_EXEMPT = {"MP000"}
MAX_MESSAGE = 100


def message_problems(message: str) -> list[str]:
    """Why `message` is not one sentence of at most 100 characters (RULES.md, "Every finding
    carries"): empty when it is."""
    problems = []
    if len(message) > MAX_MESSAGE:
        problems.append(f"{len(message)} characters (at most {MAX_MESSAGE})")
    if "\n" in message:
        problems.append("contains a newline")
    prose = re.sub(r"`[^`]*`", "`code`", message)  # a ". " inside a code span is not a sentence end
    if ". " in prose or prose.endswith("."):
        problems.append("more than one sentence, or a trailing period (Ruff style: none)")
    return problems


def _fixture_cases():
    for path in all_fixture_files():
        if path.name.startswith("bad_") and path.parent.name not in MESSAGE_EXEMPT:
            text = path.read_text()
            yield pytest.param(path.parent.name, text, fixture_settings(text), id=_fixture_id(path))


@pytest.mark.parametrize("code,text,settings", list(_fixture_cases()))
def test_messages_are_one_short_sentence(code: str, text: str, settings: FixtureSettings) -> None:
    result = analyze(text, settings.path, config_for_fixture(code, settings))
    messages = sorted({f.message for f in result.findings if f.code == code})
    assert messages, f"{code}: no finding to check"
    bad = {m: message_problems(m) for m in messages if message_problems(m)}
    assert bad == {}


def test_message_checker_catches_long_and_multi_sentence_messages() -> None:
    assert message_problems("Lambda passed to `Pool.map()` cannot be pickled") == []
    assert message_problems("`x = 1. y` is fine inside a code span") == []
    assert message_problems("First sentence. Second sentence") == [
        "more than one sentence, or a trailing period (Ruff style: none)"]
    assert message_problems("Ends with a period.") == [
        "more than one sentence, or a trailing period (Ruff style: none)"]
    assert message_problems("x" * 101) == ["101 characters (at most 100)"]
    assert message_problems("two\nlines") == ["contains a newline"]


# ---- documentation ----------------------------------------------------------------------------

def test_rule_pages_show_bad_fixed_good_from_the_fixtures() -> None:
    from mpguard.docsgen import render_rule
    from mpguard.rules import all_rules

    page = render_rule(all_rules()["MP604"])
    bad = page.index("## Example")
    fixed = page.index("## Fixed")
    good = page.index("## Not reported")
    assert bad < fixed < good
    assert "    workers.close()\n    workers.join()\n" in page[fixed:good]  # the snapshot's text
    assert "# error:" not in page and "mpguard-fixture" not in page  # markers are test-only


def test_rule_pages_state_the_fixture_start_method() -> None:
    from mpguard.docsgen import fixture_showcase

    show = fixture_showcase("MP506")
    assert show is not None and show.settings == "start-method=fork"


def test_rule_pages_without_fixtures_show_the_documentation_only(tmp_path: Path) -> None:
    from mpguard.docsgen import render_rule
    from mpguard.rules import all_rules

    page = render_rule(all_rules()["MP604"], fixtures=tmp_path)
    assert "## Why" in page and "## Fix" in page
    assert "## Example" not in page and "## Fixed" not in page and "## Not reported" not in page
