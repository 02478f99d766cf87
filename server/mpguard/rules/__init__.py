"""Rule registry. A rule is one small module in this package that defines ``RULE``.

A rule is declared metadata plus detection: ``RULE = Rule(code=..., name=..., severity=...,
fix=..., applies=..., check=check, ...)``. The catalogue (:mod:`mpguard.catalogue`), the docs,
``mpguard rules`` and SARIF all read these declarations; the engine skips a rule whose
``applies`` excludes the module (a notebook, or no process under the rule's start methods).
Detection reads ``ctx.facts`` (:mod:`mpguard.facts`) and reports through ``ctx.report``.
A rule's examples are its fixture folder, ``tests/rules/MPxxx/`` (tested by
``tests/test_rule_fixtures.py``, shown by the docs, shipped in the wheel as
``mpguard/rule_fixtures``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Union

import libcst as cst

from mpguard.catalogue import docs_url
from mpguard.config import Config
from mpguard.findings import Finding, Fix, RelatedLocation, Safety, Severity, fix_id, fix_key
from mpguard.semantic.kinds import StartMethod
from mpguard.semantic.model import ModuleModel

if TYPE_CHECKING:
    from mpguard.facts import Facts
    from mpguard.fixes.multi_edit import ModuleEdit

__all__ = ["Applies", "Fixable", "Rule", "RuleContext", "Severity", "StartMethod", "all_rules"]


class Fixable(str, Enum):
    """Whether a rule offers an automatic fix (Ruff's FixAvailability)."""

    NONE = "none"
    SOMETIMES = "sometimes"  # when the code has the shape the fix needs
    ALWAYS = "always"


@dataclass(frozen=True)
class Applies:
    """Where a rule can fire. The engine does not run a rule outside it."""

    start_methods: frozenset[str] = frozenset(StartMethod.members())
    notebooks: bool = True

    @classmethod
    def everywhere(cls) -> "Applies":
        return cls()

    @classmethod
    def spawned_children(cls, notebooks: bool = True) -> "Applies":
        """Pitfalls of children that re-import the main module (spawn and forkserver)."""
        return cls(frozenset({StartMethod.SPAWN, StartMethod.FORKSERVER}), notebooks)

    @classmethod
    def forked_children(cls) -> "Applies":
        return cls(frozenset({StartMethod.FORK}))

    def under(self, method: Optional[str]) -> bool:
        """Whether a process started with `method` is in scope. None (not known) is in; a method
        name multiprocessing does not know counts as a spawned child (it is not `fork`)."""
        if method is None:
            return True
        if not StartMethod.known(method):
            return StartMethod.SPAWN in self.start_methods
        return method in self.start_methods

    def excludes(self, methods_in_use: frozenset[str], notebook: bool) -> bool:
        """Whether the rule cannot fire in a module whose processes use only `methods_in_use`."""
        if notebook and not self.notebooks:
            return True
        return not any(self.under(m) for m in methods_in_use)


@dataclass(frozen=True, kw_only=True)
class Rule:
    code: str
    summary: str  # one line
    why: str  # what happens at run time and why (markdown)
    fix_doc: str  # what to do (markdown)
    check: Callable[["RuleContext"], None]
    name: str = ""  # kebab-case, public API like the code (required: checked in __post_init__)
    severity: Optional[Severity] = None  # default severity, configurable per code (required)
    fix: Fixable = Fixable.NONE
    applies: Applies = field(default_factory=Applies.everywhere)
    crash_class: bool = False

    def __post_init__(self) -> None:
        # A rule written before declarations existed fails here with the fix, not deep inside
        # the catalogue with a KeyError.
        if not self.name or self.severity is None:
            raise TypeError(f"{self.code}: RULE must declare name=... and severity=... "
                            "(see docs/architecture.md, 'How to add a rule')")

    @property
    def fixable(self) -> bool:
        return self.fix is not Fixable.NONE

    @property
    def default_severity(self) -> Severity:
        assert self.severity is not None  # __post_init__
        return self.severity

    @property
    def spawn_only(self) -> bool:
        return StartMethod.FORK not in self.applies.start_methods

    def documentation(self) -> str:
        """The rule's page: why, bad -> fixed -> good code, fix (rendered by mpguard.docsgen)."""
        from mpguard.docsgen import render_rule  # docsgen imports this module

        return render_rule(self)


class RuleContext:
    """What a rule sees: the facts, the configuration, and `report`."""

    def __init__(self, model: ModuleModel, config: Config, rule: Rule, facts: Optional["Facts"] = None) -> None:
        self.model = model
        self.config = config
        self.rule = rule
        self._facts = facts
        self.findings: list[Finding] = []

    @property
    def facts(self) -> "Facts":
        """The model's facts: built once per analysis, shared by every rule."""
        return self._facts if self._facts is not None else self.model.facts

    @property
    def start_method(self) -> str:
        return self.model.module_start_method()

    def applies_under(self, method: Optional[str]) -> bool:
        """Whether a process started with `method` is in this rule's declared scope."""
        return self.rule.applies.under(method)

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        fixes: Iterable[Optional[Fix]] = (),
        related: Iterable[tuple[cst.CSTNode, str]] = (),
    ) -> Finding:
        finding = Finding(
            code=self.rule.code,
            name=self.rule.name,
            severity=self.config.severity_of(self.rule.code, self.rule.default_severity),
            message=message,
            range=self.model.range_of(node),
            related=[RelatedLocation(self.model.range_of(n), msg) for n, msg in related],
            fixes=[fix for fix in fixes if fix is not None],  # a rule may pass "no fix here"
        )
        taken: set[str] = set()
        for fix in finding.fixes:
            fix._source = self.model.text
            key = fix.key or fix_key(fix.title)
            while key in taken:  # two fixes of one finding that do the same kind of thing
                key += "+"
            taken.add(key)
            fix.id = fix_id(finding.code, finding.range, key)
        self.findings.append(finding)
        return finding

    def fix(self, title: str, safety: Safety,
            edit: Union["ModuleEdit", Callable[[], Optional["ModuleEdit"]]],
            preferred: bool = False, kind: str = "quickfix", key: str = "") -> Fix:
        """A fix whose edits are `edit`: composable edits on the analysed module (see
        :class:`~mpguard.fixes.multi_edit.MultiEdit`), or a function that plans them when the
        editor or the fixer asks (None: the fix does not apply). Nothing is applied before."""
        return Fix(title=title, safety=safety, edit=edit, module=self.model.module, preferred=preferred,
                   kind=kind, _source=self.model.text, key=key)


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
