"""Every rule's positive and negative examples (defined next to the rule) become tests.

A positive example must produce the rule's finding on exactly the lines marked `# expect`; a
negative example must produce none of the rule's findings.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.rules import all_rules

CASES = [
    pytest.param(rule, i, ex, id=f"{code}-{'pos' if ex.fires else 'neg'}{i}")
    for code, rule in all_rules().items()
    for i, ex in enumerate(rule.examples)
]


def expected_lines(code: str) -> list[int]:
    return [n for n, line in enumerate(code.splitlines(), start=1) if "# expect" in line]


@pytest.mark.parametrize("rule,index,example", CASES)
def test_example(rule, index, example):
    code = textwrap.dedent(example.code).lstrip("\n")
    config = Config(select=frozenset({rule.code}), start_method=example.start_method)
    result = analyze(code, example.path, config)
    assert not result.rule_errors, result.rule_errors
    got = sorted({f.range.start.line for f in result.findings if f.code == rule.code})
    if example.fires:
        want = expected_lines(code)
        assert want, "a positive example must mark its lines with `# expect`"
        assert got == want, f"{rule.code} {example.note}: findings on lines {got}, expected {want}"
    else:
        assert got == [], f"{rule.code} {example.note}: unexpected findings on lines {got}"


@pytest.mark.parametrize("rule,index,example", [c for c in CASES if c.values[2].fires])
def test_example_fixes(rule, index, example):
    """Every fix of a positive example parses, keeps every definition, removes its finding and is
    idempotent (applying the same fix again changes nothing)."""
    code = textwrap.dedent(example.code).lstrip("\n")
    config = Config(select=frozenset({rule.code}), start_method=example.start_method)
    result = analyze(code, example.path, config)
    for finding in [f for f in result.findings if f.code == rule.code]:
        for fix in finding.fixes:
            new = fix.new_text()
            assert new is not None, f"{fix.title} did not apply"
            module = cst.parse_module(new)  # parses
            assert _definitions(cst.parse_module(code)) <= _definitions(module), fix.title
            after = analyze(new, example.path, config)
            same = [f for f in after.findings if f.code == rule.code and f.message == finding.message
                    and f.range == finding.range]
            assert not same, f"{fix.title} did not remove the finding"
            again = [f2 for f in after.findings if f.code == rule.code for f2 in f.fixes
                     if f2.title == fix.title]
            for f2 in again:
                assert f2.new_text() in (None, new) or rule.code in ("MP201", "MP202") , "not idempotent"


def _definitions(module: cst.Module) -> set[str]:
    names: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_FunctionDef(self, node):
            names.add("def " + node.name.value)

        def visit_ClassDef(self, node):
            names.add("class " + node.name.value)

    module.visit(V())
    return names
