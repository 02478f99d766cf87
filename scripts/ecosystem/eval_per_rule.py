"""Precision and recall per rule on the project's own eval (`tests/eval/scripts`, `# expect:` markers).

`tests/eval/test_eval.py` asserts the totals; this prints the per-rule table the ecosystem notes
quote next to the ecosystem baseline. MP302 and MP403 (advice) are not scored, as in the test.

    python scripts/ecosystem/eval_per_rule.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "eval"))

from test_eval import SCRIPTS, expected  # noqa: E402

from mpguard.config import Config  # noqa: E402
from mpguard.engine import analyze  # noqa: E402

UNSCORED = ("MP302", "MP403")


def main() -> int:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for script in SCRIPTS:
        text = script.read_text()
        want = expected(text)
        got = {(f.range.start.line, f.code) for f in analyze(text, str(script), Config()).findings
               if f.code not in UNSCORED}
        for _, code in want & got:
            tp[code] += 1
        for line, code in got - want:
            fp[code] += 1
            print(f"unexpected {script.name}:{line} {code}")
        for line, code in want - got:
            fn[code] += 1
            print(f"missing    {script.name}:{line} {code}")
    print(f"{'code':7} {'tp':>4} {'fp':>4} {'fn':>4}  precision recall")
    for code in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else 1.0
        r = tp[code] / (tp[code] + fn[code]) if tp[code] + fn[code] else 1.0
        print(f"{code:7} {tp[code]:4} {fp[code]:4} {fn[code]:4}  {p:9.2f} {r:6.2f}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'all':7} {t:4} {f:4} {n:4}  {t / max(1, t + f):9.2f} {t / max(1, t + n):6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
