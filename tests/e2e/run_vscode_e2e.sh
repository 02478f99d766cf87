#!/usr/bin/env bash
# CI entry for the VS Code extension (issue 4). From a fresh clone, with ../shared next to the
# repository root (the vscode-e2e harness lives in ../shared/vscode-e2e):
#   npm ci -> unit tests (node --test) -> npm run package (.vsix) -> pytest tests/test_vsix_bundle.py
#   -> harness setup -> UI checks in a real VS Code (tests/e2e/vscode_ui_check.sh)
#   -> extension-host tests (mocha inside VS Code: commands, settings, restart)
#   -> notebook check (mocha inside VS Code with the installed .vsix: MP204 on an .ipynb cell)
#   -> screenshots (tests/e2e/screenshots.mjs): OUT/screenshots/{hover,quickfix,problems,error-state}.png
#      and their text in OUT/screenshots/screenshots.json.
# Exit 0 when everything passed. Output: vscode-e2e-out/ (or $1).
#   MPGUARD_E2E_OLD_PYTHON  the unusable interpreter of the error-state screenshot (default: a
#                           python3.8 on PATH or under ~/.pyenv, else a path that does not exist)
#   SKIP_NPM_CI=1  reuse node_modules     SKIP_PYTEST=1  skip the packaging pytest
set -uo pipefail
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
E2E="${VSCODE_E2E_DIR:-$ROOT/../shared/vscode-e2e}"
OUT="${1:-$ROOT/vscode-e2e-out}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
cd "$ROOT"
t0=$SECONDS
status=0
step() { printf '\n[run_vscode_e2e %ss] %s\n' "$((SECONDS - t0))" "$*"; }
must() { "$@" || { step "FAILED: $*"; exit 1; }; }
check() { if "$@"; then step "ok: $*"; else step "FAILED: $*"; status=1; fi; }
[ -f "$E2E/ui-check.mjs" ] || { echo "vscode-e2e harness not found at $E2E" >&2; exit 2; }

if [ "${SKIP_NPM_CI:-0}" != 1 ]; then step "npm ci"; must npm ci --no-audit --no-fund --loglevel=error; fi
step "unit tests (node --test)"
check npm test --silent
step "package the .vsix"
must npm run package --silent
VSIX="$ROOT/mpguard-linux-x64.vsix"
if [ "${SKIP_PYTEST:-0}" != 1 ]; then
  step "packaging test (pytest tests/test_vsix_bundle.py)"
  check env MPGUARD_VSIX="$VSIX" python3 -m pytest -q -p no:cacheprovider tests/test_vsix_bundle.py
fi
step "vscode-e2e harness setup"
must bash "$E2E/setup.sh" >/dev/null

step "UI checks in VS Code (installed .vsix)"
check "$ROOT/tests/e2e/vscode_ui_check.sh" --vsix "$VSIX" --out "$OUT"

step "Restricted Mode in VS Code with the trust prompt on (installed .vsix)"
check "$ROOT/tests/e2e/vscode_trust_check.sh" --vsix "$VSIX" --out "$OUT/trust"

step "extension-host tests (mocha in VS Code)"
# Same rule as the UI checks: the first python3 on PATH has no mpguard (venv made by vscode_ui_check.sh).
VENV="$OUT/venv-no-mpguard"
[ -x "$VENV/bin/python3" ] || python3 -m venv --without-pip "$VENV"
WS="$OUT/ext-tests-workspace"
rm -rf "$WS"; cp -r "$ROOT/tests/e2e/workspace" "$WS"
check env -u PYTHONPATH PATH="$VENV/bin:$PATH" node "$E2E/ext-tests.mjs" --dev-ext "$ROOT" \
  --tests "$ROOT/client/out/ext-test/index.js" --workspace "$WS" --out "$OUT/ext-tests" --timeout 300

step "notebook check in VS Code (installed .vsix: MP204 on the .ipynb cell that uses the worker)"
# The tests run in the extension host next to the *installed* .vsix: the development extension is
# an empty stub, so the mpguard under test is the packaged one (issue 6).
WS_NB="$OUT/notebook-workspace"
rm -rf "$WS_NB"; cp -r "$ROOT/tests/e2e/workspace" "$WS_NB"
check env -u PYTHONPATH PATH="$VENV/bin:$PATH" node "$E2E/ext-tests.mjs" --dev-ext "$ROOT/tests/e2e/ext-host-stub" \
  --vsix "$VSIX" --tests "$ROOT/client/out/ext-test/notebookIndex.js" --workspace "$WS_NB" \
  --out "$OUT/notebook" --timeout 180

step "screenshots in VS Code (hover, quick-fix menu, Problems panel, error state)"
OLD_PY="${MPGUARD_E2E_OLD_PYTHON:-$(command -v python3.8 || ls "$HOME"/.pyenv/versions/3.8*/bin/python3.8 2>/dev/null | head -1 || true)}"
check env -u PYTHONPATH PATH="$VENV/bin:$PATH" node "$ROOT/tests/e2e/screenshots.mjs" --vsix "$VSIX" \
  --workspace "$ROOT/tests/e2e/workspace" --out "$OUT/screenshots" ${OLD_PY:+--bad-interpreter "$OLD_PY"}

step "done: $([ $status = 0 ] && echo PASS || echo FAIL) (output in $OUT)"
exit $status
