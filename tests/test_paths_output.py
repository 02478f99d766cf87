"""Paths in the CLI's outputs when names need quoting: SARIF URIs are percent-encoded (relative to
the source root when inside it, else absolute `file:` URIs), text and JSON keep the native path.

The Windows flavour of the same conversions (`file:///C:/...`, `\\`-separated paths, UNC,
case-insensitive roots) is tested in tests/lsp/test_uris.py with PureWindowsPath.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

BROKEN = "from multiprocessing import Pool\n\ndef work(x):\n    return x * 2\n\nwith Pool(2) as pool:\n    print(pool.map(work, range(4)))\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_sarif_uris_are_encoded_and_text_json_keep_native_paths(tmp_path: Path):
    root = tmp_path / "my project é"
    inside = root / "a#b" / "job 1.py"
    outside = tmp_path / "elsewhere 🐍" / "job.py"
    for f in (inside, outside):
        f.parent.mkdir(parents=True)
        f.write_text(BROKEN)

    proc = run("check", "--format", "sarif", str(inside), str(outside), cwd=root)
    run_ = json.loads(proc.stdout)["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.as_uri() + "/"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/my%20project%20%C3%A9/")
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert {"uri": "a%23b/job%201.py", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": outside.as_uri()} in locations  # outside the root: absolute, no base id
    assert unquote(outside.as_uri()[len("file://"):]) == str(outside)

    proc = run("check", "--format", "json", str(inside), cwd=root)
    assert [f["path"] for f in json.loads(proc.stdout)] == [str(inside)]
    proc = run("check", str(Path("a#b") / "job 1.py"), cwd=root)
    assert proc.stdout.splitlines()[0].startswith("a#b/job 1.py:6:6: MP101")
