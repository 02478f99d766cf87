"""Assertions on an OUT dir of ../shared/vscode-e2e/ui-check.mjs for the mpguard extension.

    python assert_ui_result.py OUT --code MP101 --fix "Wrap in" --expect-output "[1, 4, 9]"
    python assert_ui_result.py OUT --no-diagnostics

--code: the file's mpguard diagnostics are exactly this code (source "mpguard"), offered a code
action whose title starts with --fix, which was applied and saved, leaving no mpguard
diagnostics; the saved file (after-fix.txt) is then run with the `spawn` start method and must
print --expect-output. --no-diagnostics: the file has no mpguard diagnostics.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fail(msg: str) -> None:
    print(f"[assert_ui_result] FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def code_of(d: dict) -> str:
    c = d.get("code")
    return str(c.get("value") if isinstance(c, dict) else c)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--code")
    ap.add_argument("--fix")
    ap.add_argument("--expect-output")
    ap.add_argument("--no-diagnostics", action="store_true")
    ap.add_argument("--path-contains", help="the file opened lies under this folder name (issue 17)")
    ap.add_argument("--python", default=sys.executable)
    a = ap.parse_args()

    result = json.loads((a.out / "result.json").read_text())
    if result.get("error"):
        fail(f"ui-check error: {result['error'][:2000]}")
    if a.path_contains and a.path_contains not in Path(result.get("file", "")).parts:
        fail(f"expected the file under a folder {a.path_contains!r}, got {result.get('file')!r}")
    diags = [d for d in result.get("diagnosticsForFile") or [] if d.get("source") == "mpguard"]
    if a.no_diagnostics:
        if diags:
            fail(f"expected no mpguard diagnostics, got {[code_of(d) for d in diags]}")
        others = result.get("diagnosticsForFile") or []
        print(f"[assert_ui_result] ok: no mpguard diagnostics ({len(others)} from other sources)")
        return 0

    if [code_of(d) for d in diags] != [a.code]:
        fail(f"expected exactly one {a.code} from mpguard, got {[(code_of(d), d.get('source')) for d in result.get('diagnosticsForFile') or []]}")
    titles = [x.get("title", "") for x in diags[0].get("codeActions") or []]
    if not any(t.startswith(a.fix) for t in titles):
        fail(f"no code action starting with {a.fix!r}: {titles}")
    qf = result.get("quickFix") or {}
    if not qf.get("applied") or a.fix not in qf["applied"]:
        fail(f"quick fix not applied through the Ctrl+. menu: {qf}")
    if not qf.get("fileChanged"):
        fail("the file did not change after the quick fix")
    left = [code_of(d) for d in qf.get("diagnosticsAfter") or [] if d.get("source") == "mpguard"]
    if left:
        fail(f"mpguard diagnostics left after the fix: {left}")

    fixed = (a.out / "after-fix.txt").read_text()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "fixed_script.py"
        script.write_text(fixed)
        shutil.copy(HERE / "run_spawn.py", Path(tmp) / "run_spawn.py")
        try:
            res = subprocess.run([a.python, str(Path(tmp) / "run_spawn.py"), str(script)], cwd=tmp,
                                 capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            fail(f"the fixed file hangs under spawn:\n{fixed}")
    if res.returncode != 0 or res.stdout.strip() != a.expect_output:
        fail(f"the fixed file under spawn: exit {res.returncode}, stdout {res.stdout!r}, expected {a.expect_output!r}\n"
             f"stderr:\n{res.stderr[-2000:]}\nfile:\n{fixed}")
    print(f"[assert_ui_result] ok: {a.code} shown, {qf['applied']!r} applied, fixed file prints {res.stdout.strip()} under spawn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
