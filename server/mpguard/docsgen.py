"""Write docs/rules.md and docs/rules/MPxxx.md from the rule modules (the single source).

    python -m mpguard.docsgen [DOCS_DIR]

A rule's page (also printed by `mpguard rule CODE`, shown on hover and in SARIF `help`) shows its
why, then bad -> fixed -> good code taken from the rule's fixture folder, tests/rules/MPxxx/: the
first bad file that has a fixed snapshot (else the first bad file), that snapshot, and the first
good file. The fixtures are the only examples a rule has: the wheel ships a copy of them as
``mpguard/rule_fixtures`` (setup.py), so an installed mpguard shows the same page.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from mpguard.catalogue import CATALOGUE, docs_url
from mpguard.rules import Rule, all_rules

_SOURCE_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "rules"
_PACKAGED_FIXTURES = Path(__file__).resolve().parent / "rule_fixtures"  # written into the wheel by setup.py
# A source checkout (or an editable install) reads the fixtures the tests run; a wheel its copy.
FIXTURES = _SOURCE_FIXTURES if _SOURCE_FIXTURES.is_dir() else _PACKAGED_FIXTURES
_HEADER = re.compile(r"^#\s*mpguard-fixture:\s*(?P<settings>.*)\n")
# `  # error: MP604 9:5` (several separated by `;`) at the end of a line: test markers, not code.
_MARKERS = re.compile(
    r"[ \t]*#[ \t]*(?:error|warning|info|hint):[ \t]*MP\d{3}[ \t]+\d+:\d+"
    r"(?:;[ \t]*(?:error|warning|info|hint):[ \t]*MP\d{3}[ \t]+\d+:\d+)*[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Showcase:
    bad: Optional[str]
    fixed: Optional[str]
    fixed_is_unsafe: bool
    good: Optional[str]
    settings: str  # "start-method=fork" from the fixture header, or ""


def _clean(text: str) -> tuple[str, str]:
    """The code without the fixture header and markers, and the header's settings."""
    match = _HEADER.match(text)
    settings = match.group("settings").strip() if match else ""
    body = text[match.end():] if match else text
    return _MARKERS.sub("", body).strip(), settings


def fixture_showcase(code: str, folder: Path = FIXTURES) -> Optional[Showcase]:
    """Bad, fixed and good code from tests/rules/CODE/, or None when there is no such folder."""
    rule_dir = folder / code
    if not rule_dir.is_dir():
        return None
    bads = sorted(p for p in rule_dir.glob("bad_*.py") if not p.name.endswith(".fixed.py"))
    goods = sorted(rule_dir.glob("good_*.py"))
    if not bads and not goods:
        return None

    def snapshots(bad: Path) -> tuple[Path, Path]:
        stem = bad.name[: -len(".py")]
        return bad.with_name(f"{stem}.fixed.py"), bad.with_name(f"{stem}.unsafe.fixed.py")

    chosen = next((b for b in bads if snapshots(b)[0].exists()), None) or \
        next((b for b in bads if snapshots(b)[1].exists()), None) or (bads[0] if bads else None)
    bad = fixed = None
    unsafe = False
    settings = ""
    if chosen is not None:
        bad, settings = _clean(chosen.read_text())
        safe_path, unsafe_path = snapshots(chosen)
        if safe_path.exists():
            fixed = _clean(safe_path.read_text())[0]
        elif unsafe_path.exists():
            fixed, unsafe = _clean(unsafe_path.read_text())[0], True
    good = _clean(goods[0].read_text())[0] if goods else None
    return Showcase(bad, fixed, unsafe, good, settings)


def _code_block(text: str) -> list[str]:
    return ["```python", text, "```"]


def render_rule(rule: Rule, fixtures: Path = FIXTURES) -> str:
    """The rule's documentation page (markdown)."""
    show = fixture_showcase(rule.code, fixtures) or Showcase(None, None, False, None, "")
    parts = [f"# {rule.code} {rule.name}", "", rule.summary, "", "## Why", "", rule.why.strip()]
    if show.bad is not None:
        parts += ["", "## Example", ""]
        if show.settings:
            pairs = [item.partition("=") for item in show.settings.split(",")]
            config = ", ".join(f'`{key.strip()} = "{value.strip()}"`' for key, _, value in pairs)
            parts += [f"Analysed with {config} in `[tool.mpguard]`.", ""]
        parts += _code_block(show.bad)
    if show.fixed is not None:
        how = "with `--unsafe-fixes`" if show.fixed_is_unsafe else "by `mpguard fix`"
        parts += ["", "## Fixed", "", f"The example above as rewritten {how}:", ""]
        parts += _code_block(show.fixed)
    if show.good is not None:
        parts += ["", "## Not reported", ""] + _code_block(show.good)
    parts += ["", "## Fix", "", rule.fix_doc.strip(), "", f"Docs: {docs_url(rule.code)}"]
    if rule.spawn_only:
        parts += ["", "Reported only when the effective start method is `spawn` or `forkserver`."]
    return "\n".join(parts) + "\n"


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
        path.write_text(render_rule(rule))
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
