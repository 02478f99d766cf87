"""The CLI under bad input: every case has its exact exit code and message, and nothing hangs,
crashes with a signal or is skipped without a word (issue 15, item 2; Ruff's CLI contract)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpguard.parse_guard import MAX_NESTING
from mpguard.sources import MAX_SOURCE_BYTES

BROKEN = "from multiprocessing import Pool\n\nwith Pool(2) as pool:\n    pool.map(abs, [1])\n"
NOT_REGULAR = "Not a regular file (a FIFO, device or socket); not read"
TOO_DEEP = f"Statement nested more than {MAX_NESTING:,} levels deep: mpguard cannot check this file"


def run(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=timeout, env={**os.environ, **(env or {})})


def only_finding(proc: subprocess.CompletedProcess) -> dict:
    (finding,) = json.loads(proc.stdout)
    return finding


# ---- usage errors: exit 2 with the reason ----------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["check", "--select", "NOPE", "."],
     "mpguard: error: unknown rule code 'NOPE' in --select (`mpguard rules` lists the codes)"),
    (["check", "--ignore", "MP1,XX9", "."],
     "mpguard: error: unknown rule code 'XX9' in --ignore (`mpguard rules` lists the codes)"),
    (["fix", "--select", "MP9999", "."],
     "mpguard: error: unknown rule code 'MP9999' in --select (`mpguard rules` lists the codes)"),
    (["check", "-", "a.py"], "mpguard: error: `-` (standard input) cannot be combined with other paths"),
    (["check", "--stdin-filename", "a.py", "."], "mpguard: error: --stdin-filename names standard input: give `-` or no path"),
    (["check", "--statistics", "--format", "sarif", "."], "mpguard: error: --statistics prints text or JSON, not SARIF"),
    (["rule", "MP999"], "mpguard: unknown rule 'MP999'; `mpguard rules` lists them"),
])
def test_usage_errors_exit_2_with_the_reason(tmp_path: Path, args: list[str], message: str):
    proc = run(*args, cwd=tmp_path)
    assert (proc.returncode, proc.stderr.strip(), proc.stdout) == (2, message, "")


def test_unknown_command_and_format_exit_2(tmp_path: Path):
    for args, says in ((["frobnicate"], "invalid choice: 'frobnicate'"),
                       (["check", "--format", "yaml"], "invalid choice: 'yaml'")):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 2 and says in proc.stderr, proc.stderr


def test_missing_path_exits_2_after_checking_the_others(tmp_path: Path):
    (tmp_path / "broken.py").write_text(BROKEN)
    proc = run("check", "--format", "json", "broken.py", "missing.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "mpguard: error: missing.py: no such file or directory\n"
    assert only_finding(proc)["code"] == "MP101"  # the existing file is still reported


def test_no_python_file_is_a_warning(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello\n")
    proc = run("check", ".", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == "mpguard: warning: no Python files found under the given paths\n"
    assert proc.stdout == "All checks passed (0 files).\n"


def test_unparsable_pyproject_exits_2_naming_file_and_line(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.mpguard]\nselect = ["MP1"]\nstart-method spawn\n')
    (tmp_path / "broken.py").write_text(BROKEN)
    for command in ("check", "fix"):
        proc = run(command, ".", cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == (f"mpguard: error: cannot parse {tmp_path / 'pyproject.toml'}: "
                               "Expected '=' after a key in a key/value pair (at line 3, column 14)\n")
        assert proc.stdout == ""
    assert (tmp_path / "broken.py").read_text() == BROKEN  # fix wrote nothing


# ---- files that cannot be read: MP000 in every format, never a hang ---------------------------

def _every_format(tmp_path: Path, *paths: str) -> tuple[list[dict], dict, str]:
    as_json = run("check", "--format", "json", *paths, cwd=tmp_path, timeout=30)
    sarif = run("check", "--format", "sarif", *paths, cwd=tmp_path, timeout=30)
    text = run("check", *paths, cwd=tmp_path, timeout=30)
    assert as_json.returncode == sarif.returncode == text.returncode == 1, as_json.stderr
    return json.loads(as_json.stdout), json.loads(sarif.stdout), text.stdout


def test_undecodable_file_is_reported_in_text_json_and_sarif(tmp_path: Path):
    (tmp_path / "latin1.py").write_bytes(b"import multiprocessing\nx = '\xe9'\n")
    message = "Cannot decode this file as utf-8 (byte 0xe9 at offset 28); declare its encoding"
    findings, sarif, text = _every_format(tmp_path, ".")
    assert [(f["path"], f["code"], f["name"], f["message"]) for f in findings] == [
        ("latin1.py", "MP000", "unreadable-file", message)]
    (result,) = sarif["runs"][0]["results"]
    assert (result["ruleId"], result["level"], result["message"]["text"]) == ("MP000", "error", message)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "latin1.py"
    assert text.splitlines()[0] == f"latin1.py:1:1: MP000 error unreadable-file: {message}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX-only")
def test_fifo_is_not_read_and_does_not_hang(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "broken.py").write_text(BROKEN)
    for named in (".", "pipe.py"):  # found while walking, and named explicitly
        findings, _, _ = _every_format(tmp_path, named)
        mp000 = [f for f in findings if f["code"] == "MP000"]
        assert [(f["path"], f["message"]) for f in mp000] == [("pipe.py", NOT_REGULAR)]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_symlink_to_dev_zero_is_not_read(tmp_path: Path):
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    findings, _, _ = _every_format(tmp_path, ".")
    assert [(f["path"], f["message"]) for f in findings] == [("zero.py", NOT_REGULAR)]


def test_dangling_symlink_is_reported(tmp_path: Path):
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    findings, _, _ = _every_format(tmp_path, ".")
    assert [(f["path"], f["message"]) for f in findings] == [
        ("gone.py", "Cannot read this file: No such file or directory")]


def test_file_over_the_size_limit_is_not_read(tmp_path: Path):
    (tmp_path / "huge.py").write_bytes(b"import multiprocessing\n" + b"#" * MAX_SOURCE_BYTES)
    findings, _, _ = _every_format(tmp_path, ".")
    assert [(f["path"], f["message"]) for f in findings] == [
        ("huge.py", "File is 5.0 MB, over the 5 MB limit; not read")]


def test_unreadable_directory_is_reported(tmp_path: Path, monkeypatch, capsys):
    """Listing a folder fails (as for a folder without read permission, which root could still
    list): the folder is an MP000 finding, not skipped in silence."""
    from mpguard.cli import main

    (tmp_path / "locked").mkdir()
    (tmp_path / "broken.py").write_text(BROKEN)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--format", "json", "."]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["code"], f["message"]) for f in findings] == [
        ("broken.py", "MP101", findings[0]["message"]),
        ("locked", "MP000", "Cannot list this folder: Permission denied")]


def test_file_without_read_permission_is_reported(tmp_path: Path, monkeypatch, capsys):
    """Opening the file is refused, as for a file without read permission (which root, running
    the tests here, could still read): the file is an MP000 finding."""
    from mpguard.cli import main

    (tmp_path / "secret.py").write_text(BROKEN)
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--format", "json", "."]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["code"], f["name"], f["message"]) for f in findings] == [
        ("secret.py", "MP000", "unreadable-file", "Cannot read this file: Permission denied")]


# ---- input that used to kill the process ------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "x = " + "- " * 10_000 + "x",
    "x = " + "1 + " * 10_000 + "1",
    "x = (" + "1 +\n" * 10_000 + "1)",
    "x = " + "a and " * 10_000 + "a",
    "x = f" + "()" * 10_000,
], ids=["unary-minus", "plus-chain", "bracketed-plus-lines", "and-chain", "call-chain"])
def test_deep_nesting_is_mp000_not_a_signal(tmp_path: Path, statement: str):
    (tmp_path / "deep.py").write_text("import multiprocessing\n" + statement + "\n")
    proc = run("check", "--format", "json", "deep.py", cwd=tmp_path)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    f = only_finding(proc)
    assert (f["code"], f["name"], f["message"]) == ("MP000", "too-deeply-nested", TOO_DEEP)


def test_long_elif_chain_is_mp000_not_a_signal(tmp_path: Path):
    branches = "".join(f"elif x == {i}:\n    y = {i}\n" for i in range(20_000))
    (tmp_path / "chain.py").write_text("import multiprocessing\nif x:\n    pass\n" + branches)
    proc = run("check", "--format", "json", "chain.py", cwd=tmp_path)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-500:])
    f = only_finding(proc)
    assert (f["code"], f["name"], f["range"]["start"]["line"]) == ("MP000", "too-deeply-nested", 4 + 2 * 3000)  # the 3,001st
    assert f["message"] == "`if` with more than 3,000 `elif` branches: mpguard cannot check this file"


def test_a_worker_that_dies_takes_only_its_own_file_down(tmp_path: Path):
    """With the nesting guard lifted, libcst really overflows the stack of the worker parsing
    `crash.py`; the run still reports the other file and names the one it lost."""
    (tmp_path / "crash.py").write_text("import multiprocessing\nx = " + "- " * 80_000 + "x\n")
    (tmp_path / "broken.py").write_text(BROKEN)
    proc = run("check", "--no-cache", "--jobs", "2", "--format", "json", ".", cwd=tmp_path,
               env={"MPGUARD_MAX_NESTING": "1000000"}, timeout=120)
    assert proc.returncode == 2, proc.stderr
    findings = {f["path"]: f for f in json.loads(proc.stdout)}
    assert findings["broken.py"]["code"] == "MP101"
    lost = findings["crash.py"]
    assert (lost["code"], lost["name"]) == ("MP000", "internal-error")
    assert lost["message"].startswith("internal error: its worker process died (killed by SIG"), lost["message"]
    assert "Traceback" not in proc.stderr


# ---- odd names ---------------------------------------------------------------------------------

def test_control_characters_in_file_names_stay_inside_their_field(tmp_path: Path):
    name = "bad\nname\x1b[31m.py"
    (tmp_path / name).write_text(BROKEN)
    as_json = run("check", "--format", "json", ".", cwd=tmp_path)
    assert only_finding(as_json)["path"] == name
    text = run("check", ".", cwd=tmp_path)
    assert text.stdout.splitlines()[0].startswith("bad\\nname\\x1b[31m.py:3:6: MP101 [*] error ")
    assert len(text.stdout.splitlines()) == 2  # the finding and the summary: nothing split, no escape code
    missing = run("check", "no\nsuch.py", cwd=tmp_path)
    assert missing.stderr == "mpguard: error: no\\nsuch.py: no such file or directory\n"
    sarif = json.loads(run("check", "--format", "sarif", ".", cwd=tmp_path).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad%0Aname%1B%5B31m.py"


def test_the_nesting_guard_protects_the_engine_in_a_thread_as_the_server_runs_it():
    """The language server analyses on a thread (less stack than a main thread on some systems)
    through the same analyze(): the guard answers before libcst recurses."""
    import threading

    from mpguard.config import Config
    from mpguard.engine import analyze

    results = []
    text = "import multiprocessing\nx = " + "- " * 10_000 + "x\n"
    thread = threading.Thread(target=lambda: results.append(analyze(text, "deep.py", Config())))
    thread.start()
    thread.join(60)
    (finding,) = results[0].findings
    assert (finding.code, finding.name, finding.message, finding.range.start.line) == (
        "MP000", "too-deeply-nested", TOO_DEEP, 2)


def test_the_nesting_guard_passes_real_code():
    import sysconfig

    from mpguard.parse_guard import too_deeply_nested

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [*sorted((stdlib / "multiprocessing").glob("*.py")), stdlib / "test" / "_test_multiprocessing.py",
             stdlib / "test" / "test_grammar.py", stdlib / "pydoc_data" / "topics.py"]
    assert [f.name for f in files if too_deeply_nested(f.read_text(encoding="utf-8"))] == []
    assert too_deeply_nested("x = [" + ", ".join(["-1"] * 5000) + "]\n") is None  # long, but flat


def test_unparsable_nested_pyproject_also_exits_2(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.mpguard]\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.mpguard\n")
    (tmp_path / "sub" / "broken.py").write_text(BROKEN)
    proc = run("check", ".", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f"mpguard: error: cannot parse {tmp_path / 'sub' / 'pyproject.toml'}: "
                           "Expected ']' at the end of a table declaration (at line 1, column 14)\n")
