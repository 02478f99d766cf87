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
        pytest.param(shutil.which("nvim"), "pitfalls (Neovim 0.7+)", id="nvim-0.7",
                     marks=pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim not installed")),
        pytest.param(str(NVIM_VENV / "bin" / "nvim"), "pitfalls (Neovim 0.11+)", id="nvim-0.11",
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


# ---- one server per project root (Neovim 0.7), fix on save (Neovim 0.7, 0.11, Emacs) ----------

NVIM_07 = pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim not installed")
NVIM_011 = pytest.mark.skipif(not (NVIM_VENV / "bin" / "nvim").exists(),
                              reason="Neovim 0.11 venv missing (tests/editors/install_editors.sh)")

ROOTS_LUA = textwrap.dedent(
    """
    vim.cmd("filetype on")
    vim.o.hidden = true -- keep every buffer loaded (and attached) while the next one is edited
    local bufs = {}
    for _, f in ipairs(vim.split(os.getenv("MPG_FILES"), ",")) do
      vim.cmd("edit " .. vim.fn.fnameescape(f))
      if vim.bo.filetype ~= "python" then vim.bo.filetype = "python" end
      table.insert(bufs, vim.api.nvim_get_current_buf())
    end
    local ok = vim.wait(60000, function()
      for _, b in ipairs(bufs) do
        if #vim.diagnostic.get(b) == 0 then return false end
      end
      return true
    end, 50)
    local out = { ok and "ok" or "timeout" }
    for _, b in ipairs(bufs) do
      local ids = {}
      for id, _ in pairs(vim.lsp.buf_get_clients(b)) do table.insert(ids, tostring(id)) end
      table.insert(out, table.concat(ids, " "))
    end
    local roots = {}
    for _, c in ipairs(vim.lsp.get_active_clients()) do
      table.insert(roots, c.name .. "@" .. tostring(c.config.root_dir))
    end
    table.sort(roots)
    table.insert(out, table.concat(roots, ","))
    vim.fn.writefile(out, os.getenv("MPG_OUT"))
    vim.cmd("qa!")
    """
)

SAVE_LUA = textwrap.dedent(
    """
    vim.cmd("filetype on")
    vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("MPG_FILE")))
    if vim.bo.filetype ~= "python" then vim.bo.filetype = "python" end
    local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
    -- typed just before saving: the fixes must apply to this text, not the analysed one
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { "# saved" })
    vim.cmd("write")
    vim.fn.writefile({ ok and "ok" or "timeout" }, os.getenv("MPG_OUT"))
    vim.cmd("qa!")
    """
)


def run_nvim(binary: str, init_text: str, tmp_path: Path, **env_vars: str) -> str:
    env = env_with_mpguard()
    init = tmp_path / "init.lua"
    init.write_text(init_text)
    out = tmp_path / "result.txt"
    xdg = tmp_path / "xdg"
    env.update(MPG_OUT=str(out), XDG_CONFIG_HOME=str(xdg / "c"), XDG_DATA_HOME=str(xdg / "d"),
               XDG_STATE_HOME=str(xdg / "s"), XDG_CACHE_HOME=str(xdg / "k"), **env_vars)
    proc = subprocess.run([binary, "--headless", "-n", "-i", "NONE", "-u", str(init)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert out.exists(), proc.stderr + proc.stdout
    return out.read_text()


def fixed_by_cli(source: str, tmp_path: Path) -> str:
    """What `mpguard fix` writes for `source`: the file fix-on-save must leave on disk."""
    probe = tmp_path / "cli" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(source)
    subprocess.run([sys.executable, "-m", "mpguard", "fix", str(probe)], capture_output=True, check=False)
    return probe.read_text()


@NVIM_07
def test_neovim_07_snippet_starts_one_server_per_root(tmp_path):
    project_a, project_b = tmp_path / "a", tmp_path / "b"
    (project_a / "pkg").mkdir(parents=True)
    project_b.mkdir()
    (project_a / "pyproject.toml").write_text("[project]\nname = 'a'\n")
    (project_b / "setup.py").write_text("")
    files = [project_a / "one.py", project_a / "pkg" / "two.py", project_b / "three.py"]
    for f in files:
        f.write_text(GUARD_SRC)
    lines = run_nvim(shutil.which("nvim"), snippet("lua", "pitfalls (Neovim 0.7+)") + ROOTS_LUA, tmp_path,
                     MPG_FILES=",".join(map(str, files))).splitlines()
    status, one, two, three, roots = lines
    assert status == "ok"
    assert one == two and one != three and " " not in one + three  # one client per buffer
    assert roots == f"mpguard@{project_a},mpguard@{project_b}"


@pytest.mark.parametrize(
    "binary,marker",
    [pytest.param(shutil.which("nvim"), "pitfalls (Neovim 0.7+)", id="nvim-0.7", marks=NVIM_07),
     pytest.param(str(NVIM_VENV / "bin" / "nvim"), "pitfalls (Neovim 0.11+)", id="nvim-0.11", marks=NVIM_011)],
)
def test_neovim_fix_on_save_writes_the_fixed_file(binary, marker, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    src = tmp_path / "broken.py"
    src.write_text(GUARD_SRC)
    init = snippet("lua", marker) + "\n" + snippet("lua", "fix all on save (Neovim 0.7+)") + SAVE_LUA
    assert run_nvim(binary, init, tmp_path, MPG_FILE=str(src)).splitlines() == ["ok"]
    assert src.read_text() == fixed_by_cli(GUARD_SRC + "# saved\n", tmp_path)
    assert 'if __name__ == "__main__":' in src.read_text()


SAVE_EL = textwrap.dedent(
    """
    ;; as a user's session would: the snippets, then visit the file; eglot-ensure connects from
    ;; post-command-hook, which a batch Emacs never runs by itself
    (setq project-find-functions (list (lambda (_dir) (cons 'transient (getenv "MPG_ROOT")))))
    (find-file (getenv "MPG_FILE"))
    (run-hooks 'post-command-hook)
    (let ((deadline (+ (float-time) 40)))
      (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
        (accept-process-output nil 0.05))
      (princ (if (flymake-diagnostics) "ok\n" "timeout\n")))
    (goto-char (point-max))
    (insert "# saved\n")  ; typed just before saving: the fixes must apply to this text
    (save-buffer)
    (find-file (getenv "MPG_CLEAN"))  ; nothing to fix: saving must still work
    (run-hooks 'post-command-hook)
    (insert "# edited\n")
    (save-buffer)
    (princ "saved-clean\n")
    (kill-emacs 0)
    """
)


@pytest.mark.skipif(shutil.which("emacs") is None, reason="emacs not installed")
def test_eglot_fix_on_save_writes_the_fixed_file(tmp_path):
    env = env_with_mpguard()
    src, clean = tmp_path / "broken.py", tmp_path / "clean.py"
    src.write_text(GUARD_SRC)
    clean.write_text("print(1)\n")
    el = tmp_path / "init.el"
    el.write_text("(require 'eglot)\n(require 'flymake)\n" + snippet("elisp", "eglot-server-programs")
                  + "\n" + snippet("elisp", "fix all on save (Eglot)") + SAVE_EL)
    env.update(MPG_FILE=str(src), MPG_CLEAN=str(clean), MPG_ROOT=str(tmp_path), HOME=str(tmp_path))
    proc = subprocess.run(["emacs", "--batch", "-q", "-l", str(el)], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.stdout.splitlines() == ["ok", "saved-clean"], proc.stderr[-3000:]
    assert src.read_text() == fixed_by_cli(GUARD_SRC + "# saved\n", tmp_path)
    assert clean.read_text() == "# edited\nprint(1)\n"
