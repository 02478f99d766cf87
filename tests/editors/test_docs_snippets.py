"""The editor configuration snippets in docs/editors.md, loaded verbatim into real editors.

Each snippet starts `mpguard server` (the console script, found on PATH) and must make the editor
show mpguard's diagnostics for a broken script.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_editors import GUARD_SRC, NVIM_VENV, REPO

DOC = REPO / "docs" / "editors.md"


def snippet(lang: str, marker: str) -> str:
    text = DOC.read_text()
    for block in re.findall(rf"```{lang}\n(.*?)```", text, re.S):
        if marker in block:
            return block
    raise AssertionError(f"no {lang} block containing {marker!r} in {DOC}")


def env_with_mpguard() -> dict:
    env = dict(os.environ)
    scripts = Path(sys.executable).parent
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + env.get("PYTHONPATH", "")
    if shutil.which("mpguard", path=env["PATH"]) is None:
        pytest.skip("the `mpguard` console script is not on PATH (pip install -e .)")
    return env


CHECK_LUA = textwrap.dedent(
    """
    vim.cmd("filetype on")
    vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("MPG_FILE")))
    if vim.bo.filetype ~= "python" then vim.bo.filetype = "python" end
    local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(0)) do
      table.insert(out, tostring(d.source) .. ":" .. tostring(d.code) .. ":" .. tostring(d.lnum))
    end
    vim.fn.writefile({ ok and "ok" or "timeout", table.concat(out, ",") }, os.getenv("MPG_OUT"))
    vim.cmd("qa!")
    """
)


@pytest.mark.parametrize(
    "binary,marker",
    [
        pytest.param(shutil.which("nvim"), "Neovim 0.7+", id="nvim-0.7",
                     marks=pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim not installed")),
        pytest.param(str(NVIM_VENV / "bin" / "nvim"), "Neovim 0.11+", id="nvim-0.11",
                     marks=pytest.mark.skipif(not (NVIM_VENV / "bin" / "nvim").exists(),
                                              reason="Neovim 0.11 venv missing (tests/editors/install_editors.sh)")),
    ],
)
def test_neovim_snippet(binary, marker, tmp_path):
    env = env_with_mpguard()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    src = tmp_path / "broken.py"
    src.write_text(GUARD_SRC)
    init = tmp_path / "init.lua"
    init.write_text(snippet("lua", marker) + "\n" + CHECK_LUA)
    out = tmp_path / "result.txt"
    xdg = tmp_path / "xdg"
    env.update(MPG_FILE=str(src), MPG_OUT=str(out), XDG_CONFIG_HOME=str(xdg / "c"), XDG_DATA_HOME=str(xdg / "d"),
               XDG_STATE_HOME=str(xdg / "s"), XDG_CACHE_HOME=str(xdg / "k"))
    proc = subprocess.run([binary, "--headless", "-n", "-i", "NONE", "-u", str(init)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=90)
    assert out.exists(), proc.stderr + proc.stdout
    status, diags = out.read_text().splitlines()[:2]
    assert status == "ok", (diags, proc.stderr)
    assert "mpguard:MP101:7" in diags


@pytest.mark.skipif(shutil.which("emacs") is None, reason="emacs not installed")
def test_eglot_snippet_registers_mpguard(tmp_path):
    env = env_with_mpguard()
    el = tmp_path / "init.el"
    el.write_text(
        "(require 'eglot)\n" + snippet("elisp", "eglot-server-programs") +
        "\n(princ (format \"%S\" (cdr (assoc '(python-mode python-ts-mode) eglot-server-programs))))\n"
    )
    proc = subprocess.run(["emacs", "--batch", "-q", "-l", str(el)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert '("mpguard" "server")' in proc.stdout, proc.stderr
    # The same server command, driven by Eglot itself through the harness:
    from test_editors import HARNESS

    out = tmp_path / "out.py"
    src = tmp_path / "broken.py"
    src.write_text(GUARD_SRC)
    proc = subprocess.run(
        ["bash", str(HARNESS / "emacs" / "emacs_eglot_check.sh"), "--timeout", "40", "mpguard server", str(src),
         str(out), r"^Wrap in"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert '"code":"MP101"' in proc.stdout.replace(" ", "")
