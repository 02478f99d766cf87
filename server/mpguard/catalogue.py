"""Every rule code of ../shared/RULES.md with its name and default severity.

Codes are public API: configuration and suppression comments are validated against this table even
for rules that are not implemented, so a user's `ignore = ["MP505"]` is never reported as unknown.
"""

from __future__ import annotations

from mpguard.findings import Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: dict[str, tuple[str, Severity]] = {
    "MP000": ("syntax-error", E),
    "MP101": ("unguarded-process-start", E),
    "MP102": ("start-method-misuse", E),
    "MP103": ("import-time-work-in-spawned-module", W),
    "MP104": ("fork-start-method", I),
    "MP201": ("lambda-to-process", E),
    "MP202": ("local-callable-to-process", E),
    "MP203": ("unpicklable-argument", E),
    "MP204": ("interactive-main-worker", W),
    "MP205": ("unpicklable-self", W),
    "MP206": ("worker-defined-under-guard", E),
    "MP207": ("coroutine-to-process", E),
    "MP208": ("unpicklable-result", E),
    "MP209": ("context-mismatch", W),
    "MP301": ("large-argument-pickled", W),
    "MP302": ("default-chunksize", I),
    "MP303": ("map-materializes-iterator", I),
    "MP401": ("lost-async-result", W),
    "MP402": ("pool-terminated-early", W),
    "MP403": ("exception-swallowed-in-process", I),
    "MP404": ("unpicklable-exception", W),
    "MP501": ("global-mutation-in-worker", W),
    "MP502": ("fork-with-threads", W),
    "MP503": ("join-before-drain", W),
    "MP504": ("thread-primitive-for-processes", E),
    "MP505": ("parent-only-global", W),
    "MP506": ("connection-inherited-by-fork", W),
    "MP601": ("pool-not-closed", W),
    "MP602": ("process-not-joined", I),
    "MP603": ("worker-logging-lost", W),
    "MP604": ("join-without-close", E),
    "MP605": ("terminate-with-shared-resources", W),
    "MP606": ("nested-pool-in-daemon", E),
    "MP607": ("windows-max-workers", W),
    "MP900": ("unused-suppression", W),
}

NAME_TO_CODE = {name: code for code, (name, _) in CATALOGUE.items()}


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
