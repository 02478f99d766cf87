"""What `mpguard check` prints besides the text and SARIF findings: the JSON document, the
`--statistics` table and the one-line summaries of check and fix.

Findings travel between the workers, the cache and the formatters with 0-based columns (as the
engine makes them); everything printed for people or tools uses 1-based columns, as Ruff does.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Optional

from mpguard.terminal import escape_for_terminal

def printable(text: str) -> str:
    """`text` with control characters shown as escapes (a file named "a\\nb.py" or
    "x\\x1b[2J.py" cannot split or repaint a report line)."""
    return escape_for_terminal(text)


def printable_findings(findings: list[dict]) -> list[dict]:
    return [{**f, "path": printable(f["path"]), "message": printable(f["message"])} for f in findings]


def fix_safety(finding: dict) -> Optional[str]:
    """"safe" when `mpguard fix` fixes the finding, "unsafe" when only `--unsafe-fixes` does."""
    safeties = {x["safety"] for x in finding["fixes"]}
    return "safe" if "safe" in safeties else "unsafe" if "unsafe" in safeties else None


def _one_based(rng: dict) -> dict:
    return {"start": {"line": rng["start"]["line"], "column": rng["start"]["column"] + 1},
            "end": {"line": rng["end"]["line"], "column": rng["end"]["column"] + 1}}


def public_json(finding: dict) -> dict:
    """A finding as `--format json` shows it: 1-based columns, like the text output."""
    out = dict(finding)
    out["range"] = _one_based(finding["range"])
    out["related"] = [{**r, "range": _one_based(r["range"])} for r in finding.get("related", ())]
    return out


def format_json(findings: list[dict]) -> str:
    return json.dumps([public_json(f) for f in findings], indent=2)


def statistics(findings: list[dict]) -> list[dict]:
    """One row per code: count, name and how it is fixed, most frequent first (as Ruff's)."""
    counts = Counter(f["code"] for f in findings)
    names: dict[str, str] = {}
    safeties: dict[str, set[Optional[str]]] = {}
    for f in findings:
        names.setdefault(f["code"], f["name"])
        safeties.setdefault(f["code"], set()).add(fix_safety(f))
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        fix = "safe" if "safe" in safeties[code] else "unsafe" if "unsafe" in safeties[code] else None
        rows.append({"code": code, "name": names[code], "count": count, "fix": fix})
    return rows


def format_statistics(findings: list[dict], as_json: bool) -> str:
    rows = statistics(findings)
    if as_json:
        return json.dumps(rows, indent=2)
    marks = {"safe": "[*] ", "unsafe": "[~] ", None: "    "}
    width = max((len(str(r["count"])) for r in rows), default=1)
    return "\n".join(f"{r['count']:>{width}}\t{r['code']}\t{marks[r['fix']]}{r['name']}" for r in rows)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def check_summary(findings: list[dict], files: int, internal: bool) -> str:
    """The last line of `mpguard check`'s text output."""
    if not findings and not internal:
        return f"All checks passed ({_plural(files, 'file')})."
    line = f"Found {_plural(len(findings), 'problem')} in {_plural(files, 'file')}"
    safeties = Counter(fix_safety(f) for f in findings)
    fixable = []
    if safeties["safe"]:
        fixable.append(f"[*] {safeties['safe']} fixable with `mpguard fix`")
    if safeties["unsafe"]:
        more = " more" if safeties["safe"] else ""
        fixable.append(f"[~] {safeties['unsafe']}{more} with `mpguard fix --unsafe-fixes`")
    if fixable:
        line += f" ({', '.join(fixable)})"
    if internal:
        line += "; some files could not be checked (see above)"
    return line + "."


def fix_summary(changed: int, remaining: list[dict], unsafe_applied: bool, dry_run: bool) -> str:
    """The last line of `mpguard fix`: what was (or would be) fixed, what is left, and how many
    of those `--unsafe-fixes` would fix."""
    line = f"{'Would fix' if dry_run else 'Fixed'} {_plural(changed, 'file')}; {_plural(len(remaining), 'problem')} left"
    more = sum(1 for f in remaining if fix_safety(f) == "unsafe")
    if more and not unsafe_applied:
        line += f" ({more} fixable with `--unsafe-fixes`)"
    return line + "."
