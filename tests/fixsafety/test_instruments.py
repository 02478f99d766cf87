"""The offline parts of the measuring scripts in scripts/ecosystem/ (their runs download or copy
large trees and are not part of the suite): baseline comparison, call-site counting, and the
audit that fix_at_scale.py applies to every file a fix changed."""
from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "ecosystem"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"ecosystem_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


check = load("check")
fix_at_scale = load("fix_at_scale")


def finding(line: int, code: str = "MP601", verdict: str = "?", reason: str = "") -> "check.Finding":
    return check.Finding(package="pkg", version="1.0", file="pkg/mod.py", line=line, code=code,
                         severity="warning", verdict=verdict, reason=reason)


def test_compare_keeps_verdicts_and_reports_new_and_vanished():
    baseline = [finding(10, verdict="tp", reason="never closed"), finding(20, verdict="fp", reason="with later")]
    judged, new, vanished = check.compare([finding(10), finding(30)], baseline)
    assert [(f.line, f.verdict, f.reason) for f in judged] == [(10, "tp", "never closed"), (30, "?", "")]
    assert [f.line for f in new] == [30]
    assert [(f.line, f.verdict) for f in vanished] == [(20, "fp")]


def test_score_counts_precision_inputs_and_false_warnings():
    scores = check.score([finding(1, verdict="tp"), finding(2, verdict="fp"),
                          check.Finding("pkg", "1.0", "m.py", 3, "MP302", "info", "noise")], call_sites=50)
    assert (scores.warnings_tp, scores.warnings_fp, scores.false_warnings, scores.unjudged) == (1, 1, 1, 0)
    assert scores.per_rule["MP302"]["noise"] == 1


def test_baseline_round_trip(tmp_path):
    path = tmp_path / "baseline.tsv"
    check.write_baseline(path, [finding(5, verdict="fp", reason="returned to the caller")])
    [row] = check.read_baseline(path)
    assert (row.file, row.line, row.code, row.verdict, row.reason) == ("pkg/mod.py", 5, "MP601", "fp",
                                                                       "returned to the caller")


def test_bad_verdict_is_a_clear_error(tmp_path):
    path = tmp_path / "baseline.tsv"
    path.write_text("pkg\t1.0\tm.py\t3\tMP601\twarning\tmaybe\twhy\n", encoding="utf-8")
    with pytest.raises(check.CheckError, match=r"baseline.tsv:1: verdict 'maybe' is not one of"):
        check.read_baseline(path)


def test_package_list_syntax(tmp_path):
    path = tmp_path / "packages.txt"
    path.write_text("# comment\njoblib==1.6.0  # why\npebble==5.2.3 sdist\n", encoding="utf-8")
    assert check.read_packages(path) == [check.Package("joblib", "1.6.0"), check.Package("pebble", "5.2.3", True)]
    path.write_text("joblib\n", encoding="utf-8")
    with pytest.raises(check.CheckError, match="packages.txt:1: expected `name==version`"):
        check.read_packages(path)


def test_call_sites_only_in_files_importing_a_process_module(tmp_path):
    (tmp_path / "uses.py").write_text(textwrap.dedent("""
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor() as ex:
            list(ex.map(abs, [1]))
            ex.submit(abs, 1)
        print(len([]))
    """), encoding="utf-8")
    (tmp_path / "other.py").write_text("results = map(abs, [1])\n", encoding="utf-8")
    assert check.count_call_sites(tmp_path) == 3  # ProcessPoolExecutor, map, submit


MODULE = textwrap.dedent("""
    import sys
    CONFIG = {"jobs": 2}

    def work(n):
        return n * CONFIG["jobs"]
""")


def test_moved_names_finds_a_binding_functions_still_read():
    after = MODULE.replace('CONFIG = {"jobs": 2}\n', "") + 'if __name__ == "__main__":\n    CONFIG = {"jobs": 2}\n'
    assert fix_at_scale.moved_names(MODULE.encode(), after.encode()) == ["CONFIG"]


def test_moved_names_ignores_names_only_the_guard_uses():
    before = "import os\nx = 1\nprint(x)\n"
    after = 'import os\nif __name__ == "__main__":\n    x = 1\n    print(x)\n'
    assert fix_at_scale.moved_names(before.encode(), after.encode()) == []


def test_audit_reports_lost_newline_bom_cookie_and_line_endings():
    before = b"\xef\xbb\xbf# -*- coding: utf-8 -*-\r\nx = 1\r\n"
    after = b"x = 1\ny = 2"
    assert fix_at_scale.audit(before, after, "m.py") == {
        "final newline lost": "", "BOM lost": "", "coding cookie lost": "",
        "line endings changed": "['CRLF'] -> ['LF']"}


def test_audit_reports_a_file_that_no_longer_compiles():
    assert fix_at_scale.audit(b"x = 1\n", b"x = (\n", "m.py") == {"does not compile": ""}
