"""The Python package is ready for PyPI and the repository's packaging files agree with each other.

* ``python -m build`` makes an sdist and a wheel (the wheel from the sdist, so the sdist is complete);
  ``twine check --strict`` accepts both (the README renders on PyPI);
* the wheel's metadata: PEP 639 license expression and LICENSE file, classifiers matching
  ``requires-python``, project URLs, keywords;
* README, CHANGELOG and the extension README link only to absolute URLs (PyPI and the Marketplace
  have no repository to resolve ``docs/rules.md`` against);
* the libcst pinned for the VS Code bundle satisfies pyproject.toml's libcst range on every Python;
  one hash per (target, CPython) pair; no wheel or .vsix can be committed;
* package.json: icon (a 128x128 PNG), license, version equal to the Python package's.
"""

from __future__ import annotations

import email.parser
import json
import re
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
VERSION = PROJECT["version"]
SUPPORTED_MINORS = range(10, 15)  # CPython 3.10-3.14

sys.path.insert(0, str(ROOT / "scripts"))
import bundle_python  # noqa: E402  (scripts/ is not a package)


# ------------------------------------------------------------------------------------------------
# sdist and wheel


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    res = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    wheels = list(out.glob("*.whl"))
    sdists = list(out.glob("*.tar.gz"))
    assert [w.name for w in wheels] == [f"mpguard-{VERSION}-py3-none-any.whl"]
    assert [s.name for s in sdists] == [f"mpguard-{VERSION}.tar.gz"]
    return {"wheel": wheels[0], "sdist": sdists[0]}


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        return email.parser.Parser().parsestr(zf.read(f"mpguard-{VERSION}.dist-info/METADATA").decode())


def test_twine_check_strict_passes(dists: dict[str, Path]) -> None:
    res = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dists["wheel"]), str(dists["sdist"])],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    passed = re.findall(r"Checking (\S+): \S*PASSED", res.stdout)
    assert sorted(Path(p).name for p in passed) == sorted(p.name for p in dists.values()), res.stdout


def test_wheel_carries_the_license_as_pep_639_says(dists: dict[str, Path]) -> None:
    meta = wheel_metadata(dists["wheel"])
    assert Version(meta["Metadata-Version"]) >= Version("2.4")
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["License"] is None
    assert not [c for c in meta.get_all("Classifier") if c.startswith("License ::")], "PEP 639: no license classifiers"
    with zipfile.ZipFile(dists["wheel"]) as zf:
        shipped = zf.read(f"mpguard-{VERSION}.dist-info/licenses/LICENSE").decode()
    assert shipped == (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_wheel_metadata_for_pypi(dists: dict[str, Path]) -> None:
    meta = wheel_metadata(dists["wheel"])
    assert meta["Name"] == "mpguard" and meta["Version"] == VERSION
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().startswith("# mpguard\n")
    classifiers = meta.get_all("Classifier")
    versions = sorted(c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert versions == sorted(f"3.{m}" for m in SUPPORTED_MINORS)
    assert "Topic :: Software Development :: Quality Assurance" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Documentation", "Changelog", "Issues", "Source"}
    assert all(u.startswith("https://") for u in urls.values()), urls
    assert "multiprocessing" in meta["Keywords"].split(",")
    assert meta.get_all("Requires-Dist")


def test_wheel_and_sdist_contents(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as zf:
        names = set(zf.namelist())
    assert {"mpguard/__init__.py", "mpguard/__main__.py", "mpguard/py.typed", "mpguard/cli.py", "mpguard/lsp/server.py"} <= names
    assert any(n.startswith("mpguard/rules/mp101") for n in names)
    # The rule fixtures are the rules' examples: `mpguard rule` renders them from an installed wheel.
    assert {"mpguard/rule_fixtures/MP604/bad_join_right_after_map.py",
            "mpguard/rule_fixtures/MP604/bad_join_right_after_map.fixed.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "client/", "bundled/")) or "__pycache__" in n]
    with zipfile.ZipFile(dists["wheel"]) as zf:
        entry_points = zf.read(f"mpguard-{VERSION}.dist-info/entry_points.txt").decode()
    assert "mpguard = mpguard.cli:main" in entry_points
    with tarfile.open(dists["sdist"]) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "pyproject.toml", "server/mpguard/__init__.py"} <= members


# ------------------------------------------------------------------------------------------------
# documents


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", ["README.md", "CHANGELOG.md", "client/README.md"])
def test_published_documents_link_absolutely(doc: str) -> None:
    links = MARKDOWN_LINK.findall((ROOT / doc).read_text(encoding="utf-8"))
    assert links, doc
    relative = [link for link in links if not link.startswith("https://")]
    assert not relative, f"{doc}: links that break on PyPI/the Marketplace: {relative}"


def test_readme_install_section_and_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Install" in readme
    assert "\npip install mpguard " in readme and "\npipx install mpguard " in readme
    # The two quick-start commands stay exactly as they are.
    assert "```sh\npython3 -m pip install . && mpguard check examples/\n```" in readme
    assert "```sh\n./run-tests\n```" in readme


def test_license_and_changelog() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n\nCopyright (c) ")
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in license_text
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    requires = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    setuptools = next(r for r in requires if r.name == "setuptools")
    assert not setuptools.specifier.contains("76.9"), "PEP 639 metadata needs setuptools >= 77"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\]", changelog, re.MULTILINE), f"CHANGELOG.md has no {VERSION} section"


# ------------------------------------------------------------------------------------------------
# the VS Code bundle's pins


def test_bundled_libcst_is_within_the_package_range_on_every_python() -> None:
    pinned, digests = bundle_python.pinned_libcst()
    reqs = [Requirement(r) for r in PROJECT["dependencies"] if Requirement(r).name == "libcst"]
    for minor in SUPPORTED_MINORS:
        env = {"python_version": f"3.{minor}", "python_full_version": f"3.{minor}.0"}
        applicable = [r for r in reqs if r.marker is None or Marker(str(r.marker)).evaluate(env)]
        assert len(applicable) == 1, (minor, applicable)
        assert applicable[0].specifier.contains(pinned), f"libcst {pinned} outside {applicable[0]} on 3.{minor}"
    # One wheel per (target, CPython): every target serves every supported Python.
    assert len(digests) == len(bundle_python.TARGETS) * len(bundle_python.DEFAULT_PYTHONS)
    assert bundle_python.DEFAULT_PYTHONS == tuple(f"3.{m}" for m in SUPPORTED_MINORS)


def test_targets_agree_between_bundler_and_packager() -> None:
    mjs = (ROOT / "scripts" / "package_vsix.mjs").read_text(encoding="utf-8")
    listed = re.search(r"const ALL_TARGETS = \[([^\]]*)\]", mjs)
    assert listed, "ALL_TARGETS not found in scripts/package_vsix.mjs"
    assert sorted(re.findall(r"'([\w-]+)'", listed.group(1))) == sorted(bundle_python.TARGETS)


def test_no_wheels_or_vsix_can_be_committed() -> None:
    tracked = subprocess.run(["git", "ls-files", "*.whl", "*.vsix"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""
    names = [f"mpguard-{t}.vsix" for t in bundle_python.TARGETS]
    ignored = subprocess.run(["git", "check-ignore", *names], cwd=ROOT, capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(names)
    assert not str(bundle_python.default_cache()).startswith(str(ROOT)), "wheel cache inside the repository"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_package_json_icon_license_version() -> None:
    pkg = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert pkg["license"] == "MIT"
    assert pkg["version"] == VERSION
    assert png_size(ROOT / pkg["icon"]) == (128, 128)
    assert pkg["scripts"]["package:all"] == "node scripts/package_vsix.mjs --all"
    ignore = (ROOT / ".vscodeignore").read_text(encoding="utf-8").splitlines()
    assert f"!{pkg['icon']}" in ignore and "!LICENSE*" in ignore
