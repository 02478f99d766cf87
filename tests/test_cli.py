"""The CLI: exit codes, output formats, fix, config warnings, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BROKEN = '''from multiprocessing import Pool

def work(x):
    return x * 2

with Pool(2) as pool:
    print(pool.map(work, range(4)))
'''
CLEAN = '''from multiprocessing import Pool

def work(x):
    return x * 2

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, range(4)))
'''


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "broken.py").write_text(BROKEN)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    (tmp_path / "pkg" / "no_api.py").write_text("print('hello')\n")
    return tmp_path


def test_exit_codes(project: Path):
    assert run("check", str(project / "pkg" / "clean.py")).returncode == 0
    assert run("check", str(project / "pkg" / "broken.py")).returncode == 1
    assert run("check", "--exit-zero", str(project / "pkg" / "broken.py")).returncode == 0
    assert run("check", str(project / "missing.py")).returncode == 2
    assert run("check", "--format", "yaml", str(project)).returncode == 2
    assert run("frobnicate").returncode == 2


def test_json_shape(project: Path):
    proc = run("check", "--format", "json", str(project))
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)
    assert [f["code"] for f in findings] == ["MP101"]
    f = findings[0]
    assert f["path"].endswith("broken.py")
    assert f["name"] == "unguarded-process-start"
    assert f["severity"] in ("error", "warning", "info", "hint")
    assert f["range"] == {"start": {"line": 6, "column": 6}, "end": {"line": 6, "column": 13}}  # 1-based
    assert f["fixes"] == [{"title": 'Wrap in `if __name__ == "__main__":` guard', "safety": "safe"}]
    assert f["message"] == '`Pool(...)` starts processes at import time; move it under `if __name__ == "__main__":`'


def test_text_output_and_select_ignore(project: Path):
    proc = run("check", str(project))
    assert "broken.py:6:6: MP101" in proc.stdout
    assert run("check", "--ignore", "MP1", str(project)).returncode == 0
    assert run("check", "--select", "MP2", str(project)).returncode == 0
    assert run("check", "--select", "MP101", str(project)).returncode == 1


def test_sarif_is_valid_2_1_0(project: Path):
    proc = run("check", "--format", "sarif", str(project), cwd=project)
    doc = json.loads(proc.stdout)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    (result,) = run0["results"]
    assert result["ruleId"] == "MP101" and rules[result["ruleIndex"]]["id"] == "MP101"
    assert result["level"] in ("none", "note", "warning", "error")
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "pkg/broken.py"
    assert loc["region"]["startLine"] == 6 and loc["region"]["startColumn"] == 6
    _validate_sarif(doc)


def _validate_sarif(doc: dict) -> None:
    """The parts of the SARIF 2.1.0 schema that code scanning enforces."""
    import jsonschema
    region = {"type": "object", "properties": {k: {"type": "integer", "minimum": 1} for k in
                                               ("startLine", "startColumn", "endLine", "endColumn")},
              "required": ["startLine"]}
    schema = {
        "type": "object", "required": ["version", "runs"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["tool", "results"],
                "properties": {
                    "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                        "type": "object", "required": ["name"], "properties": {
                            "rules": {"type": "array", "items": {"type": "object", "required": ["id"]}}}}}},
                    "results": {"type": "array", "items": {
                        "type": "object", "required": ["message", "ruleId", "locations"],
                        "properties": {
                            "level": {"enum": ["none", "note", "warning", "error"]},
                            "message": {"type": "object", "required": ["text"]},
                            "locations": {"type": "array", "items": {"type": "object", "properties": {
                                "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                                                     "properties": {"region": region}}}}},
                        }}},
                }}},
        },
    }
    jsonschema.validate(doc, schema)


def test_fix_in_place_and_diff(project: Path):
    target = project / "pkg" / "broken.py"
    diff = run("fix", "--diff", str(target))
    assert diff.returncode == 1 and "+if __name__ == \"__main__\":" in diff.stdout
    assert target.read_text() == BROKEN  # --diff writes nothing
    proc = run("fix", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixed = target.read_text()
    assert 'if __name__ == "__main__":\n    with Pool(2) as pool:' in fixed
    assert run("check", str(target)).returncode == 0
    assert run("fix", str(target)).returncode == 0 and target.read_text() == fixed  # idempotent


def test_rules_and_rule_docs():
    proc = run("rules")
    assert proc.returncode == 0 and "MP101" in proc.stdout and "MP201" in proc.stdout
    doc = run("rule", "MP101")
    assert doc.returncode == 0
    for heading in ("## Why", "## Example", "## Fix"):
        assert heading in doc.stdout
    assert run("rule", "unguarded-process-start").returncode == 0
    assert run("rule", "MP999").returncode == 2


def test_config_warnings_and_severity(project: Path):
    (project / "pyproject.toml").write_text(
        '[tool.mpguard]\nselect = ["MP1", "MP777"]\nbogus = 1\nseverity = { MP101 = "hint" }\n'
        'start-method = "spawn"\n'
    )
    proc = run("check", "--format", "json", str(project / "pkg"))
    assert "unknown rule code 'MP777'" in proc.stderr
    assert "unknown key `bogus`" in proc.stderr
    findings = json.loads(proc.stdout)
    assert findings and findings[0]["severity"] == "hint"
    (project / "pyproject.toml").write_text('[tool.mpguard]\nstart-method = "fork"\n')
    assert run("check", str(project / "pkg")).returncode == 0  # MP101 is spawn-only


def test_exclude_and_explicit_paths(project: Path):
    (project / "pyproject.toml").write_text('[tool.mpguard]\nexclude = ["pkg/broken.py"]\n')
    assert run("check", str(project)).returncode == 0
    assert run("check", str(project / "pkg" / "broken.py")).returncode == 1  # named explicitly


def test_bad_input_gets_a_clear_answer(project: Path):
    bad = project / "bad"
    bad.mkdir()
    (bad / "syntax.py").write_text("import multiprocessing\ndef f(:\n")
    (bad / "latin1.py").write_bytes(b"import multiprocessing\nx = '\xe9'\n")
    (bad / "declared.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport multiprocessing\nx = '\xe9'\n")
    (bad / "nested.py").write_text("import multiprocessing\nx = " + "(" * 3000 + ")" * 3000 + "\n")
    proc = run("check", "--format", "json", str(bad))
    assert "Traceback" not in proc.stderr, proc.stderr
    findings = json.loads(proc.stdout)
    by_file = {Path(f["path"]).name: f for f in findings}
    assert by_file["syntax.py"]["code"] == "MP000" and by_file["syntax.py"]["range"]["start"]["line"] == 2
    assert by_file["latin1.py"]["code"] == "MP000"  # undecodable: a finding, not a crash
    assert by_file["latin1.py"]["message"] == (
        "Cannot decode this file as utf-8 (byte 0xe9 at offset 28); declare its encoding")
    assert "declared.py" not in by_file  # a declared encoding is honoured
    assert by_file["nested.py"]["code"] == "MP000"
    assert proc.returncode == 1


# ---- the contract shared with Ruff: stdin, --force-exclude, --statistics, fix safety marks ----

UNSAFE_ONLY = '''from concurrent.futures import ProcessPoolExecutor


def score(row, weight):
    return sum(row) * weight


def main():
    weight = 0.5
    with ProcessPoolExecutor(max_workers=2) as ex:
        return list(ex.map(lambda r: score(r, weight), [[1, 2]]))


if __name__ == "__main__":
    main()
'''


def run_stdin(*args: str, text: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], capture_output=True, text=True,
                          cwd=cwd, input=text, timeout=120)


def test_check_marks_unsafe_fixes_and_fix_counts_them(project: Path):
    (project / "pkg" / "score.py").write_text(UNSAFE_ONLY)
    proc = run("check", "--no-cache", "pkg", cwd=project)
    lines = proc.stdout.splitlines()
    assert [line.split(": ")[1].split(" error")[0] for line in lines[:-1]] == ["MP101 [*]", "MP201 [~]"]
    assert lines[-1] == ("Found 2 problems in 4 files ([*] 1 fixable with `mpguard fix`, "
                         "[~] 1 more with `mpguard fix --unsafe-fixes`).")
    fix = run("fix", "pkg", cwd=project)
    assert fix.returncode == 1
    assert fix.stderr.splitlines()[-1] == "Fixed 1 file; 1 problem left (1 fixable with `--unsafe-fixes`)."
    unsafe = run("fix", "--unsafe-fixes", "pkg", cwd=project)
    assert (unsafe.returncode, unsafe.stderr.splitlines()[-1]) == (0, "Fixed 1 file; 0 problems left.")


def test_statistics(project: Path):
    (project / "pkg" / "score.py").write_text(UNSAFE_ONLY)
    (project / "pkg" / "broken2.py").write_text(BROKEN)
    proc = run("check", "--no-cache", "--statistics", "pkg", cwd=project)
    assert (proc.returncode, proc.stdout) == (1, "2\tMP101\t[*] unguarded-process-start\n"
                                                 "1\tMP201\t[~] lambda-to-process\n")
    as_json = run("check", "--no-cache", "--statistics", "--format", "json", "pkg", cwd=project)
    assert json.loads(as_json.stdout) == [
        {"code": "MP101", "name": "unguarded-process-start", "count": 2, "fix": "safe"},
        {"code": "MP201", "name": "lambda-to-process", "count": 1, "fix": "unsafe"}]


def test_check_stdin_uses_the_stdin_filename(project: Path):
    (project / "pyproject.toml").write_text('[tool.mpguard]\nignore = ["MP101"]\n')
    proc = run_stdin("check", "--format", "json", "-", "--stdin-filename", "pkg/new.py", text=BROKEN, cwd=project)
    assert (proc.returncode, json.loads(proc.stdout)) == (0, [])  # the project's config applies
    plain = run_stdin("check", "-", text=BROKEN, cwd=project / "pkg")
    assert plain.returncode == 0  # config found from the current directory too
    (project / "pyproject.toml").unlink()
    named = run_stdin("check", "--stdin-filename", "pkg/new.py", text=BROKEN, cwd=project)  # no path: stdin
    assert named.returncode == 1 and named.stdout.startswith("pkg/new.py:6:6: MP101 [*] error")


def test_fix_stdin_writes_the_fixed_text_to_stdout(project: Path):
    proc = run_stdin("fix", "-", "--stdin-filename", "x.py", text=BROKEN, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert 'if __name__ == "__main__":\n    with Pool(2) as pool:' in proc.stdout
    assert proc.stderr == "Fixed 1 file; 0 problems left.\n"
    left = run_stdin("fix", "-", text=UNSAFE_ONLY, cwd=project)
    assert (left.returncode, left.stdout) == (1, UNSAFE_ONLY)
    assert left.stderr.splitlines()[-1] == "Fixed 0 files; 1 problem left (1 fixable with `--unsafe-fixes`)."
    diff = run_stdin("fix", "--diff", "-", text=BROKEN, cwd=project)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/-\n+++ b/-\n")


def test_force_exclude_applies_exclude_to_named_paths(project: Path):
    (project / "pyproject.toml").write_text('[tool.mpguard]\nexclude = ["pkg/broken.py"]\n')
    named = str(project / "pkg" / "broken.py")
    assert run("check", named).returncode == 1  # named explicitly: checked (as Ruff)
    proc = run("check", "--force-exclude", named)
    assert (proc.returncode, proc.stderr) == (0, "mpguard: warning: no Python files found under the given paths\n")
    stdin = run_stdin("check", "--force-exclude", "-", "--stdin-filename", named, text=BROKEN, cwd=project)
    assert (stdin.returncode, stdin.stdout) == (0, "All checks passed (0 files).\n")
    echoed = run_stdin("fix", "--force-exclude", "-", "--stdin-filename", named, text=BROKEN, cwd=project)
    assert (echoed.returncode, echoed.stdout) == (0, BROKEN)


def test_rule_mp000_has_documentation(project: Path):
    from mpguard.mp000 import DOCUMENTATION

    proc = run("rule", "MP000")
    assert (proc.returncode, proc.stdout) == (0, DOCUMENTATION + "\n")
    assert run("rule", "syntax-error").stdout == DOCUMENTATION + "\n"
    page = Path(__file__).resolve().parents[1] / "docs" / "rules" / "MP000.md"
    assert page.read_text() == DOCUMENTATION


def test_output_file_receives_the_report(project: Path):
    proc = run("check", "--no-cache", "--format", "sarif", "--output-file", "out.sarif", "pkg", cwd=project)
    assert (proc.returncode, proc.stdout) == (1, "")
    doc = json.loads((project / "out.sarif").read_text())
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["MP101"]
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    _validate_sarif(doc)
    bad = run("check", "--output-file", str(project / "no" / "such" / "dir.txt"), "pkg", cwd=project)
    assert (bad.returncode, bad.stderr) == (
        2, f"mpguard: error: cannot write {project / 'no' / 'such' / 'dir.txt'}: No such file or directory\n")
