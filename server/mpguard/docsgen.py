"""Write docs/rules.md and docs/rules/MPxxx.md from the rule modules (the single source).

    python -m mpguard.docsgen [DOCS_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from mpguard.catalogue import CATALOGUE
from mpguard.rules import all_rules


def render_index() -> str:
    rules = all_rules()
    lines = [
        "# Rules",
        "",
        "Generated from the rule modules by `python -m mpguard.docsgen`; `mpguard rule CODE` prints the same text.",
        "Codes are public API and never renumbered.",
        "",
        "| code | name | default severity | fix | summary |",
        "|---|---|---|---|---|",
    ]
    for code, (name, severity) in CATALOGUE.items():
        rule = rules.get(code)
        if rule is None:
            if code == "MP000":
                from mpguard import mp000

                lines.append(f"| [{code}](rules/{code}.md) | {name} | {severity.value} | — | {mp000.SUMMARY} |")
            else:
                lines.append(f"| {code} | {name} | {severity.value} | — | *not implemented yet* |")
            continue
        fix = "yes" if rule.fixable else "—"
        lines.append(f"| [{code}](rules/{code}.md) | {name} | {severity.value} | {fix} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def write(docs: Path) -> list[Path]:
    out = []
    (docs / "rules").mkdir(parents=True, exist_ok=True)
    index = docs / "rules.md"
    index.write_text(render_index())
    out.append(index)
    for code, rule in all_rules().items():
        path = docs / "rules" / f"{code}.md"
        path.write_text(rule.documentation())
        out.append(path)
    from mpguard import mp000

    page = docs / "rules" / "MP000.md"  # not a rule, but `mpguard rule MP000` documents it
    page.write_text(mp000.DOCUMENTATION)
    out.append(page)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs"
    for p in write(target):
        print(p)
