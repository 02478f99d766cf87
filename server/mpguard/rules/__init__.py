"""Rule registry. A rule is one small module in this package that defines ``RULE``.

Each rule module holds its detection (``check``), its message, its fixes and its examples
(``EXAMPLES``: code that must produce the rule's finding on the lines marked ``# expect`` and code
that must not). ``tests/test_rule_examples.py`` turns every example into a test.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import libcst as cst

from mpguard.catalogue import CATALOGUE, docs_url
from mpguard.config import Config
from mpguard.findings import Finding, Fix, RelatedLocation, Safety, Severity
from mpguard.model import ModuleModel


@dataclass(frozen=True)
class Example:
    code: str
    fires: bool  # True: positive (the rule reports every line marked `# expect`), False: negative
    note: str = ""
    start_method: str = "spawn"  # configured start method for this example
    path: str = "example.py"  # e.g. "cells.ipynb": the code cells of a notebook, as one module


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str  # one line
    why: str  # what happens at run time and why (markdown)
    fix_doc: str  # what to do (markdown)
    check: Callable[["RuleContext"], None]
    examples: tuple[Example, ...] = ()
    spawn_only: bool = False
    crash_class: bool = False

    @property
    def name(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def fixable(self) -> bool:
        """Whether the rule offers an automatic fix (fix docs name it in bold, as RULES.md does)."""
        return "**" in self.fix_doc

    @property
    def default_severity(self) -> Severity:
        return CATALOGUE[self.code][1]

    def documentation(self) -> str:
        """The rule's page: why, bad -> fixed -> good code, fix (rendered by mpguard.docsgen)."""
        from mpguard.docsgen import render_rule  # docsgen imports this module

        return render_rule(self)


class RuleContext:
    """What a rule sees: the model, the configuration, and `report`."""

    def __init__(self, model: ModuleModel, config: Config, rule: Rule) -> None:
        self.model = model
        self.config = config
        self.rule = rule
        self.findings: list[Finding] = []

    @property
    def start_method(self) -> str:
        return self.model.module_start_method()

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        fixes: Iterable[Fix] = (),
        related: Iterable[tuple[cst.CSTNode, str]] = (),
    ) -> Finding:
        finding = Finding(
            code=self.rule.code,
            name=self.rule.name,
            severity=self.config.severity_of(self.rule.code, self.rule.default_severity),
            message=message,
            range=self.model.range_of(node),
            related=[RelatedLocation(self.model.range_of(n), msg) for n, msg in related],
            fixes=list(fixes),
        )
        for fix in finding.fixes:
            fix._source = self.model.text
        self.findings.append(finding)
        return finding

    def fix(self, title: str, safety: Safety, compute: Callable[[], Optional[str]],
            preferred: bool = False, kind: str = "quickfix") -> Fix:
        return Fix(title=title, safety=safety, compute=compute, preferred=preferred, kind=kind,
                   _source=self.model.text)


_RULES: Optional[dict[str, Rule]] = None


def all_rules() -> dict[str, Rule]:
    global _RULES
    if _RULES is None:
        found: dict[str, Rule] = {}
        for info in pkgutil.iter_modules(__path__):  # type: ignore[name-defined]
            if not info.name.startswith("mp"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            rule = getattr(module, "RULE", None)
            if isinstance(rule, Rule):
                found[rule.code] = rule
        _RULES = dict(sorted(found.items()))
    return _RULES
