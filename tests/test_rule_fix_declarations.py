"""A rule's declared fix availability (`Rule.fix`) agrees with its fixtures, and every offered fix
is data that does what it says, finding by finding (tests/rules/MPxxx/bad_*.py).

- ``Fixable.NONE``: no finding of any bad fixture offers a fix.
- ``Fixable.ALWAYS``: every finding of every bad fixture offers one.
- ``Fixable.SOMETIMES``: some finding offers one and some finding does not (a fixture pins a shape
  the fix refuses), unless the rule is listed in ``NO_FIXLESS_FIXTURE`` with the reason.

Each offered fix declares its edits (a :class:`~mpguard.fixes.multi_edit.MultiEdit`, never a
module text), applies, gives code that parses, and removes the finding it was offered for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import libcst as cst
import pytest

from mpguard.engine import analyze
from mpguard.findings import Finding
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, all_rules
from test_rule_fixtures import RULES_DIR, config_for_fixture, fixture_settings

# SOMETIMES rules whose fixtures have no finding without a fix, and why none can be written.
NO_FIXLESS_FIXTURE: dict[str, str] = {
    "MP604": "the fix is withheld only for a join outside any statement, which no real code has",
}


def bad_fixtures(code: str) -> list[Path]:
    return sorted(p for p in (RULES_DIR / code).glob("bad_*.py") if not p.name.endswith(".fixed.py"))


@lru_cache(maxsize=None)
def findings_of(path: Path) -> tuple[Finding, ...]:
    code = path.parent.name
    text = path.read_text()
    settings = fixture_settings(text)
    result = analyze(text, settings.path, config_for_fixture(code, settings))
    return tuple(f for f in result.findings if f.code == code)


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_declared_fix_availability_matches_the_fixtures(code: str) -> None:
    declared = all_rules()[code].fix
    offered = [bool(f.fixes) for path in bad_fixtures(code) for f in findings_of(path)]
    assert offered, f"{code}: no finding in its bad fixtures"
    if declared is Fixable.NONE:
        assert not any(offered), f"{code} declares fix=Fixable.NONE but offers a fix"
    elif declared is Fixable.ALWAYS:
        assert all(offered), f"{code} declares fix=Fixable.ALWAYS but a finding has no fix"
    else:
        assert any(offered), f"{code} declares fix=Fixable.SOMETIMES but no bad fixture gets a fix"
        if code not in NO_FIXLESS_FIXTURE:
            assert not all(offered), (f"{code}: every finding gets a fix; declare Fixable.ALWAYS or add a "
                                      "bad fixture the fix refuses")


def test_the_exemptions_name_sometimes_rules() -> None:
    rules = all_rules()
    assert {code: rules[code].fix for code in NO_FIXLESS_FIXTURE} == \
        {code: Fixable.SOMETIMES for code in NO_FIXLESS_FIXTURE}


def _fixable_bad_fixtures() -> list[Path]:
    return [p for code, rule in all_rules().items() if rule.fix is not Fixable.NONE for p in bad_fixtures(code)]


@pytest.mark.parametrize("path", _fixable_bad_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fix_is_declared_edits_that_remove_its_finding(path: Path) -> None:
    code = path.parent.name
    settings = fixture_settings(path.read_text())
    for finding in findings_of(path):
        for fix in finding.fixes:
            assert isinstance(fix.planned_edit(), MultiEdit), f"{fix.title}: not declared edits"
            new = fix.new_text()
            assert new is not None, f"{fix.title} did not apply"
            cst.parse_module(new)
            after = analyze(new, settings.path, config_for_fixture(code, settings))
            same = [f for f in after.findings if f.code == code and f.message == finding.message
                    and f.range == finding.range]
            assert same == [], f"{fix.title} did not remove its finding"
