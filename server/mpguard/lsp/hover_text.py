"""The hover of a finding: a short summary of its rule, not the rule's whole page.

The editor already shows the diagnostic's message above the hover, so the hover does not repeat
it. Per rule code: a header (code, name), why it fails in two or three lines (the leading
sentences of the rule's `why`), what the fix does (the leading sentence of its `fix_doc`) and a
link to the full page. No headings: an H1 in a hover dwarfs the message it explains.

Rule texts are authored Markdown (`**bold**`, backticks); only their raw `<`, `>` and `&` outside
code spans are escaped, or a client's Markdown renderer takes `<lambda>` for an HTML tag and drops
it. Text that is not Markdown (names) is escaped fully, so `__main__` is not rendered bold.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Union

from mpguard.catalogue import CATALOGUE, docs_url

WHY_CHARS = 320  # about three lines of a default-width hover
FIX_CHARS = 240

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# Enough for inline text (names, sentences): no line here starts a block, so `#`, `-`, `+`
# and digits need no escaping.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&])")
_HTML_SPECIALS = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# A sentence ends at ., ! or ? followed by a space and an upper-case letter, a backtick or `*`
# (so "e.g. `x`" splits, but neither "3.14" nor "e.g. a list" does).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*])")


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders as the same characters."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def escape_html(markdown: str) -> str:
    """Authored Markdown with `<`, `>` and `&` outside code spans escaped as entities."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(markdown):
        out.append(_escape_html_chars(markdown[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_escape_html_chars(markdown[last:]))
    return "".join(out)


def _escape_html_chars(text: str) -> str:
    return "".join(_HTML_SPECIALS.get(c, c) for c in text)


def _sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, never split inside a code span."""
    spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(paragraph)]
    sentences: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(paragraph):
        if any(s < end.start() < e for s, e in spans):
            continue
        sentences.append(paragraph[start:end.start()])
        start = end.end()
    sentences.append(paragraph[start:])
    return [s.strip() for s in sentences if s.strip()]


def lead(markdown: str, limit: int) -> str:
    """The leading sentences of the first paragraph, as many as fit in `limit` characters (one
    at least). A trailing colon (it introduced a code block) becomes a full stop."""
    paragraph = " ".join(markdown.strip().split("\n\n", 1)[0].split())
    chosen: list[str] = []
    for sentence in _sentences(paragraph):
        if chosen and len(" ".join(chosen + [sentence])) > limit:
            break
        chosen.append(sentence)
    text = " ".join(chosen)
    if text.endswith(":"):
        return text[:-1] + "."
    return text if text.endswith((".", "!", "?")) else text + "."


def rule_summary(code: str, name: Optional[str] = None) -> Optional[str]:
    """The hover section of one rule code (for MP000, of the problem `name` says), or None for a
    code mpguard does not know."""
    from mpguard.rules import all_rules

    code = code.upper()
    rule = all_rules().get(code)
    if rule is not None:
        header = f"**{code}** {escape_text(rule.name)}"
        why = escape_html(lead(rule.why, WHY_CHARS))
        fix = escape_html(lead(rule.fix_doc, FIX_CHARS))
        return "\n\n".join([header, why, f"Fix: {fix}", _link(code)])
    if code == "MP000":
        from mpguard import mp000

        if name in mp000.PROBLEMS:
            what, todo = mp000.PROBLEMS[name]
            return "\n\n".join([f"**{code}** {escape_text(name)}", escape_html(_sentence(what)),
                                 f"Fix: {escape_html(_sentence(todo))}", _link(code)])
        return "\n\n".join([f"**{code}** syntax-error", escape_html(lead(mp000.SUMMARY, WHY_CHARS)), _link(code)])
    if code in CATALOGUE:
        name, severity = CATALOGUE[code]
        return "\n\n".join([f"**{code}** {escape_text(name)}", f"Default severity: {severity.value}.", _link(code)])
    return None


def _sentence(clause: str) -> str:
    """A table cell's clause as a sentence: capitalised, with a full stop."""
    return clause[:1].upper() + clause[1:] + ("" if clause.endswith(".") else ".")


def _link(code: str) -> str:
    return f"[Full documentation of {code}]({docs_url(code)})"


def findings_hover(findings: Iterable[Union[str, tuple[str, Optional[str]]]]) -> Optional[str]:
    """The hover over one or more findings, each a code or (code, name): one section per distinct
    rule (for MP000, per problem)."""
    keys = dict.fromkeys((f.upper(), None) if isinstance(f, str) else (str(f[0]).upper(), f[1]) for f in findings)
    sections = [s for s in (rule_summary(code, name) for code, name in keys) if s]
    return "\n\n---\n\n".join(sections) if sections else None


def suppression_hover(code: str) -> str:
    """The hover over a code inside `# mpguard: ignore[...]` (no diagnostic is shown there)."""
    return rule_summary(code) or f"Unknown rule code `{code}`."
