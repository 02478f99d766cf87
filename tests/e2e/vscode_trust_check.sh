#!/usr/bin/env bash
# Restricted Mode in a real VS Code with the workspace-trust prompt ON (issue 16, item 2).
#
# A workspace ships `.venv/bin/python` and `evil-mpguard` (scripts that leave a canary file, then
# run the real Python) and a `.vscode/settings.json` pointing mpguard at them; the *user* settings
# say "mpguard.interpreter": ["${workspaceFolder}/.venv/bin/python"]. Run 1 opens it untrusted
# (the trust prompt stays open: Restricted Mode): the diagnostics must come (the server runs on a
# Python from PATH), both the client and the server must log their refusal, and no canary may
# fire. Run 2 (positive control) opens it trusted with the same user setting: the canary fires.
#
# The shared harness (../shared/vscode-e2e) turns workspace trust off; this script runs a copy in
# $OUT/harness with trust on and the probe extension declared fit for untrusted workspaces.
#   usage: tests/e2e/vscode_trust_check.sh [--vsix FILE] [--out DIR]     (~3 min on 2 cores)
set -euo pipefail
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
E2E="${VSCODE_E2E_DIR:-$ROOT/../shared/vscode-e2e}"
VSIX="$ROOT/mpguard-linux-x64.vsix"
OUT="$ROOT/vscode-e2e-out/trust"
while [ $# -gt 0 ]; do
  case "$1" in
    --vsix) VSIX="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: $0 [--vsix FILE] [--out DIR]" >&2; exit 2 ;;
  esac
done
[ -f "$VSIX" ] || (cd "$ROOT" && npm run package)
say() { printf '[vscode_trust_check] %s\n' "$*"; }
rm -rf "$OUT"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

# The harness, with workspace trust switched on.
cp -r "$E2E" "$OUT/harness"
sed -i "s/ '--disable-workspace-trust',//; s/'security.workspace.trust.enabled': false/'security.workspace.trust.enabled': true/" \
  "$OUT/harness/lib.mjs"
python3 - "$OUT/harness/probe-extension/package.json" <<'EOF'
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["capabilities"] = {"untrustedWorkspaces": {"supported": True}}
json.dump(manifest, open(sys.argv[1], "w"), indent=2)
EOF
grep -q -- "--disable-workspace-trust" "$OUT/harness/lib.mjs" && { say "could not switch trust on"; exit 1; }

# The hostile workspace.
WS="$OUT/ws"; CANARIES="$OUT/canaries"
cp -r "$ROOT/tests/e2e/workspace" "$WS"; mkdir -p "$CANARIES" "$WS/.venv/bin" "$WS/.vscode"
REAL_PY="$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')"
for f in "$WS/.venv/bin/python" "$WS/evil-mpguard"; do
  printf '#!/bin/sh\ntouch "%s/ran-$(basename "$0")-$$"\nexec "%s" "$@"\n' "$CANARIES" "$REAL_PY" > "$f"
  chmod +x "$f"
done
printf '{ "mpguard.interpreter": [".venv/bin/python"], "mpguard.path": ["./evil-mpguard"] }\n' > "$WS/.vscode/settings.json"
printf '{ "security.workspace.trust.startupPrompt": "always", "mpguard.logLevel": "debug",\n  "mpguard.interpreter": ["${workspaceFolder}/.venv/bin/python"] }\n' > "$OUT/user-untrusted.json"
printf '{ "mpguard.interpreter": ["${workspaceFolder}/.venv/bin/python"] }\n' > "$OUT/user-trusted.json"

status=0
say "run 1: untrusted (trust prompt open, Restricted Mode)"
if node "$OUT/harness/ui-check.mjs" --vsix "$VSIX" --workspace "$WS" --in-place --file broken_guard.py \
    --min-diagnostics 1 --settings "$OUT/user-untrusted.json" --out "$OUT/untrusted" --timeout 240; then
  say "diagnostics: ok"
else  # the open trust dialog can keep the Problems panel from opening: diagnostics decide
  grep -q '"code": "MP101"' "$OUT/untrusted/result.json" && say "diagnostics: ok (Problems panel behind the dialog)" \
    || { say "FAIL: no MP101 diagnostic in Restricted Mode"; status=1; }
fi
LOG="$(ls "$OUT"/untrusted/logs/*/exthost1/mpguard.mpguard/mpguard.log)"
grep -q "Restricted Mode: not running $WS/.venv/bin/python (mpguard.interpreter)" "$LOG" \
  && say "client refused the user setting: ok" || { say "FAIL: no client refusal in $LOG"; status=1; }
grep -q "not running $WS/.venv/bin/python for type inference" "$LOG" \
  && say "server refused it for type inference: ok" || { say "FAIL: no server refusal in $LOG"; status=1; }
if [ -n "$(ls -A "$CANARIES")" ]; then say "FAIL: ran inside the workspace: $(ls "$CANARIES")"; status=1; else say "no canary: ok"; fi

say "run 2 (positive control): trusted, same user setting"
rm "$WS/.vscode/settings.json"
node "$E2E/ui-check.mjs" --vsix "$VSIX" --workspace "$WS" --in-place --file broken_guard.py \
  --min-diagnostics 1 --settings "$OUT/user-trusted.json" --out "$OUT/trusted" --timeout 240 || status=1
if [ -n "$(ls -A "$CANARIES")" ]; then say "canary fired when trusted: ok ($(ls "$CANARIES" | tr '\n' ' '))"; else say "FAIL: the canary never fires"; status=1; fi
say "$([ $status = 0 ] && echo PASS || echo FAIL) (output in $OUT)"
exit $status
