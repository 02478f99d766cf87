"""MP900 unused-suppression: a suppression comment that suppresses nothing or names an unknown code.

The check itself runs in the pipeline (mpguard.analysis) after every other rule, because it needs
to know which findings the comments suppressed; this module holds its documentation and examples.
"""

from __future__ import annotations

from mpguard.rules import Rule, RuleContext, Severity


def check(ctx: RuleContext) -> None:
    return None


RULE = Rule(
    code="MP900",
    summary="A `# mpguard: ignore[...]` comment that suppresses nothing, or names an unknown code.",
    why="""
Suppressions outlive the code they were written for: after a refactoring they silence nothing,
and a mistyped code (`MP2O1`) never silenced anything. Both hide the fact that the line is no
longer checked the way the comment claims.
""",
    fix_doc="Remove the comment, or correct the code it names.",
    check=check,
    name="unused-suppression",
    severity=Severity.WARNING,
)
