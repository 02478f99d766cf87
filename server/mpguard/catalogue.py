"""Every rule code with its name and default severity, generated from the rule declarations.

Codes are public API: configuration and suppression comments are validated against this table.
MP000 (the file does not parse) is the pipeline's own code; every other entry comes from a rule
module's ``RULE`` (:mod:`mpguard.rules`), so a rule is declared in exactly one place.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from mpguard.findings import Severity

_PIPELINE_CODES: dict[str, tuple[str, Severity]] = {
    "MP000": ("syntax-error", Severity.ERROR),
}


class _Catalogue(Mapping[str, tuple[str, Severity]]):
    """code -> (name, default severity), built on first use (the rules import this module's
    users, so the table cannot be built at import time)."""

    def __init__(self) -> None:
        self._table: dict[str, tuple[str, Severity]] | None = None
        self._names: dict[str, str] | None = None

    @property
    def table(self) -> dict[str, tuple[str, Severity]]:
        if self._table is None:
            from mpguard.rules import all_rules

            table = dict(_PIPELINE_CODES)
            table.update((code, (rule.name, rule.severity)) for code, rule in all_rules().items())
            self._table = dict(sorted(table.items()))
        return self._table

    def __getitem__(self, code: str) -> tuple[str, Severity]:
        return self.table[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, code: object) -> bool:
        return code in self.table


CATALOGUE = _Catalogue()


class _NameToCode(Mapping[str, str]):
    def __getitem__(self, name: str) -> str:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    @staticmethod
    def _table() -> dict[str, str]:
        if CATALOGUE._names is None:
            CATALOGUE._names = {name: code for code, (name, _) in CATALOGUE.items()}
        return CATALOGUE._names


NAME_TO_CODE = _NameToCode()


def is_known_code(code: str) -> bool:
    return code in CATALOGUE


def expand_selector(selector: str) -> set[str] | None:
    """`MP2` -> every MP2xx code, `ALL` -> all codes, a rule name -> its code; None when unknown."""
    sel = selector.strip()
    if sel.upper() == "ALL":
        return set(CATALOGUE)
    if sel in NAME_TO_CODE:
        return {NAME_TO_CODE[sel]}
    sel = sel.upper()
    matched = {code for code in CATALOGUE if code.startswith(sel)}
    if sel.startswith("MP") and matched:
        return matched
    return None


def docs_url(code: str) -> str:
    return f"https://github.com/mpguard/mpguard/blob/main/docs/rules/{code}.md"
