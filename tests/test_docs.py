"""The rule docs in docs/ are generated from the rule modules and must be up to date."""

from pathlib import Path

from mpguard.docsgen import render_index
from mpguard.rules import all_rules

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_rule_index_is_current():
    assert (DOCS / "rules.md").read_text() == render_index(), "run `python -m mpguard.docsgen`"


def test_each_rule_page_is_current():
    for code, rule in all_rules().items():
        page = DOCS / "rules" / f"{code}.md"
        assert page.read_text() == rule.documentation(), f"{page} is stale: run `python -m mpguard.docsgen`"
