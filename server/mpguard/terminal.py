"""Text that reaches a terminal: paths and messages come from the checked tree (file names,
quoted source) and from the cache, so they must not carry control sequences.

A file named ``x\\x1b]0;owned\\x07.py`` or a message quoting ``\\r`` would otherwise rewrite the
user's terminal title, move the cursor over earlier lines or fake a clean result. Control
characters (C0, DEL, C1) and the Unicode bidirectional overrides used in "Trojan Source" attacks
are shown as Python-style escapes instead; everything else, including non-ASCII letters and
Windows backslashes, is left as it is.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_for_terminal(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    return _UNSAFE.sub(_escape, text)


def has_control_characters(text: str) -> bool:
    return _UNSAFE.search(text) is not None
