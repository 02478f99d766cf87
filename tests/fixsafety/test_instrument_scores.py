"""How the ecosystem report scores advice: info findings count towards the 80 % useful bar,
findings of rules demoted to hint are listed but not held to it."""
from __future__ import annotations

import io

from test_instruments import check


def advice(line: int, code: str, severity: str, verdict: str) -> "check.Finding":
    return check.Finding("pkg", "1.0", "m.py", line, code, severity, verdict)


def test_hint_findings_are_not_in_the_useful_share():
    scores = check.score([advice(1, "MP104", "info", "useful"), advice(2, "MP302", "hint", "noise"),
                          advice(3, "MP302", "hint", "noise")], call_sites=10)
    out = io.StringIO()
    check.report(scores, out)
    text = out.getvalue()
    assert "Info findings judged useful: 1.00 (1 useful, 0 noise)" in text
    assert "  MP302     2    0    0      0     2   0  useful 0.00 (hint: not scored)" in text
