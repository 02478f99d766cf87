#!/usr/bin/env bash
# mpguard in a real VS Code (code-server 4.100.3 = VS Code 1.100), as a user gets it: the .vsix
# installed into a fresh profile, a Python file opened, squiggles, the Ctrl+. menu, the fix saved.
# The server must come from the .vsix: python3 on PATH is a fresh venv without mpguard and
# PYTHONPATH is unset.
#
#   tests/e2e/vscode_ui_check.sh [--vsix FILE] [--out DIR]
#
# Harness: ../shared/vscode-e2e (relative to the repository root), or $VSCODE_E2E_DIR.
set -euo pipefail
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
E2E="${VSCODE_E2E_DIR:-$ROOT/../shared/vscode-e2e}"
VSIX=""
OUT="$ROOT/vscode-e2e-out"
while [ $# -gt 0 ]; do
  case "$1" in
    --vsix) VSIX="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--vsix FILE] [--out DIR]" >&2; exit 2 ;;
  esac
done
[ -f "$E2E/ui-check.mjs" ] || { echo "vscode-e2e harness not found at $E2E" >&2; exit 2; }
if [ -z "$VSIX" ]; then
  VSIX="$ROOT/mpguard-linux-x64.vsix"
  # (Re)build when missing or older than any source that goes into it.
  if [ ! -f "$VSIX" ] || [ -n "$(cd "$ROOT" && find client/src server/mpguard scripts package.json -newer "$VSIX" -type f -not -path '*/__pycache__/*' | head -1)" ]; then
    (cd "$ROOT" && npm run package)
  fi
fi
VSIX="$(cd "$(dirname "$VSIX")" && pwd)/$(basename "$VSIX")"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
say() { printf '[vscode_ui_check] %s\n' "$*"; }

# A Python without mpguard first on PATH, nothing on PYTHONPATH.
BASE_PY="${MPGUARD_E2E_PYTHON:-python3}"
VENV="$OUT/venv-no-mpguard"
[ -x "$VENV/bin/python3" ] || "$BASE_PY" -m venv --without-pip "$VENV"
export PATH="$VENV/bin:$PATH"
unset PYTHONPATH PYTHONHOME
if python3 -c 'import mpguard' 2>/dev/null; then
  say "FAIL: $(command -v python3) can import mpguard; the check must use the bundled server"; exit 1
fi
say "python3 = $(command -v python3) ($(python3 -c 'import sys; print(sys.version.split()[0])')), no mpguard"

WS="$ROOT/tests/e2e/workspace"
A="$ROOT/tests/e2e/assert_ui_result.py"
status=0
run() {  # name, ui-check args..., -- assert args...
  local name="$1"; shift
  local ui=() asrt=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do ui+=("$1"); shift; done
  shift; asrt=("$@")
  say "$name: ui-check ${ui[*]}"
  if node "$E2E/ui-check.mjs" --vsix "$VSIX" --workspace "${RUN_WS:-$WS}" --out "$OUT/$name" --timeout 120 "${ui[@]}" \
      && python3 "$A" "$OUT/$name" "${asrt[@]}"; then
    say "$name: PASS"
  else
    say "$name: FAIL (see $OUT/$name: result.json, failure.png, logs/)"; status=1
  fi
}
run ui-guard  --file broken_guard.py --min-diagnostics 1 --quick-fix 'Wrap in' \
  -- --code MP101 --fix 'Wrap in' --expect-output '[1, 4, 9]'
run ui-lambda --file lambda_pool.py --min-diagnostics 1 --quick-fix 'Replace lambda' \
  -- --code MP201 --fix 'Replace lambda' --expect-output '[2, 3, 4]'
run ui-clean  --file clean.py --min-diagnostics 0 --settle-ms 5000 \
  -- --no-diagnostics
# Issue 17: a workspace whose folder name has a space and a non-ASCII letter, so every URI VS Code
# sends is percent-encoded (file:///.../my%20project%20%C3%A9/...), as all Windows URIs are
# (file:///c%3A/...). Opened in place: a copy the quick fix may edit.
SPACED="$OUT/my project é"
rm -rf "$SPACED"; cp -r "$WS" "$SPACED"
RUN_WS="$SPACED" run ui-guard-spaced --in-place --file broken_guard.py --min-diagnostics 1 --quick-fix 'Wrap in' \
  -- --code MP101 --fix 'Wrap in' --expect-output '[1, 4, 9]' --path-contains 'my project é'
exit $status
