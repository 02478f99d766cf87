"""Ecosystem check: run mpguard over pinned PyPI packages and compare with hand-judged findings.

Like Ruff's ecosystem check: real code nobody here wrote, pinned so that a change in the
findings can only come from a change in mpguard. The wheels of the packages listed in
packages.txt are downloaded with pip into a cache outside the repository (third-party code is
never committed), unpacked, and checked with `mpguard check --format json`. Every finding is
looked up in baseline.tsv, where each one carries a verdict judged by reading the code:

  tp      true positive: the pitfall can really happen as the rule says
  fp      false positive: it cannot (the reason says why)
  useful  an info finding whose advice is worth acting on
  noise   an info finding not worth reading

The report gives new and vanished findings, precision per rule (warning and error findings),
false warnings per 100 process-API call sites and the share of useful info findings. The exit
code is 1 when a finding appeared or vanished (unless --update, which rewrites the baseline and
keeps the verdicts of findings that are still there; new ones get the verdict `?`), 2 on bad
input or a failed download. Not part of the test suite: it downloads. See docs/ecosystem.md.

Standard library only (plus the pip and mpguard of the running interpreter).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

HERE = Path(__file__).resolve().parent
DEFAULT_PACKAGES = HERE / "packages.txt"
DEFAULT_BASELINE = HERE / "baseline.tsv"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mpguard-ecosystem"

WHEEL_PYTHON = "3.13"
# "The file does not parse" (reported whatever --ignore says) is left out: sdists ship Python 2
# examples, and a parse error is not a pitfall to judge.
PARSE_ERROR = "MP000"
BASELINE_COLUMNS = ("package", "version", "file", "line", "code", "severity", "verdict", "reason")
VERDICTS = {"tp", "fp", "useful", "noise", "?"}

# Call-site counting (the denominator of "false warnings per 100 call sites"), deliberately
# simple so anyone can recount it: in a file that imports one of PROCESS_MODULES, every call
# whose callee name (the bare name or the last attribute) is in PROCESS_CALLS. Thread pools
# share some method names (`map`, `submit`), so the count is an upper bound of process-API
# call sites; constructors and `start()` of threads are not counted.
PROCESS_MODULES = ("multiprocessing", "concurrent.futures", "concurrent", "multiprocess", "billiard",
                   "pathos", "pebble", "loky", "mpire", "p_tqdm", "torch.multiprocessing",
                   "tqdm.contrib.concurrent", "aiomultiprocess")
PROCESS_CALLS = frozenset({
    # start processes
    "Pool", "Process", "ProcessPoolExecutor", "Manager", "SyncManager", "get_context",
    "set_start_method", "ProcessPool", "ProcessingPool", "WorkerPool", "process_map",
    "p_map", "p_imap", "p_umap", "p_uimap",
    # ship work to them
    "map", "imap", "imap_unordered", "starmap", "apply", "apply_async", "map_async",
    "starmap_async", "submit", "schedule",
})


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sdist: bool = False  # the sdist carries tests and examples that the wheel leaves out

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}" + ("-sdist" if self.sdist else "")


@dataclass
class Finding:
    package: str
    version: str
    file: str
    line: int
    code: str
    severity: str
    verdict: str = "?"
    reason: str = ""
    message: str = ""

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.package, self.file, self.line, self.code)

    def where(self) -> str:
        return f"{self.package}=={self.version} {self.file}:{self.line} {self.code} ({self.severity})"


class CheckError(Exception):
    """A problem the user must fix (bad list, failed download); exit code 2."""


def read_packages(path: Path) -> list[Package]:
    packages = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        spec, *flags = text.split()
        name, sep, version = spec.partition("==")
        if not sep or not name or not version or flags not in ([], ["sdist"]):
            raise CheckError(f"{path}:{number}: expected `name==version` or `name==version sdist`, got {text!r}")
        packages.append(Package(name, version, sdist=bool(flags)))
    return packages


def fetch(package: Package, cache: Path) -> Path:
    """Download the package's wheel (or sdist) once and unpack it; return the folder."""
    source = cache / "src" / package.key
    if (source / ".unpacked").exists():
        return source
    dists = cache / "dists" / package.key
    dists.mkdir(parents=True, exist_ok=True)
    if not any(dists.iterdir()):
        spec = f"{package.name}=={package.version}"
        # A fixed target Python picks the same wheel whatever interpreter runs the check.
        binary = (["--no-binary", ":all:"] if package.sdist
                  else ["--only-binary", ":all:", "--python-version", WHEEL_PYTHON])
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               *binary, "--dest", str(dists), spec], capture_output=True, text=True)
        if done.returncode != 0:
            raise CheckError(f"pip could not download {spec}: {done.stderr.strip().splitlines()[-1:]}")
    archive = next(iter(sorted(dists.iterdir())))
    source.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(source)
    else:
        with tarfile.open(archive) as tf:
            # The "data" filter refuses links and paths outside `source` (Python 3.12, backported).
            if hasattr(tarfile, "data_filter"):
                tf.extractall(source, filter="data")
            else:
                tf.extractall(source)
    (source / ".unpacked").write_text(archive.name + "\n", encoding="utf-8")
    return source


def package_root(package: Package, source: Path) -> Path:
    """The folder to check: an sdist's single top folder (`name-version/`), else the unpacked tree."""
    entries = [p for p in source.iterdir() if p.name != ".unpacked"]
    if package.sdist and len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return source


def python_files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*.py")):
        if path.is_file():
            yield path


def count_call_sites(folder: Path) -> int:
    """Process-API call sites by the documented method above (files that do not parse count 0)."""
    total = 0
    for path in python_files(folder):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        if not _imports_process_module(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in PROCESS_CALLS:
                    total += 1
    return total


def _imports_process_module(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == module or name.startswith(module + ".") for name in names for module in PROCESS_MODULES):
            return True
    return False


def run_mpguard(package: Package, folder: Path, jobs: int) -> list[Finding]:
    # cwd is the package folder so no pyproject.toml of ours applies; --no-cache so the result
    # always comes from the mpguard being measured.
    done = subprocess.run([sys.executable, "-m", "mpguard", "check", "--format", "json", "--exit-zero",
                           "--no-cache", "--jobs", str(jobs), "."],
                          cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckError(f"mpguard failed on {package.key} (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    findings = []
    for item in json.loads(done.stdout or "[]"):
        if item["code"] == PARSE_ERROR:
            continue
        findings.append(Finding(package=package.name, version=package.version,
                                file=Path(item["path"]).as_posix().removeprefix("./"),
                                line=item["range"]["start"]["line"], code=item["code"],
                                severity=item["severity"], message=item["message"]))
    return findings


def read_baseline(path: Path) -> list[Finding]:
    if not path.exists():
        return []
    findings = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or raw.startswith("#") or raw.split("\t")[0] == "package":
            continue
        cells = raw.split("\t")
        if len(cells) != len(BASELINE_COLUMNS):
            raise CheckError(f"{path}:{number}: expected {len(BASELINE_COLUMNS)} tab-separated cells, got {len(cells)}")
        row = dict(zip(BASELINE_COLUMNS, cells))
        if row["verdict"] not in VERDICTS:
            raise CheckError(f"{path}:{number}: verdict {row['verdict']!r} is not one of {sorted(VERDICTS)}")
        findings.append(Finding(package=row["package"], version=row["version"], file=row["file"],
                                line=int(row["line"]), code=row["code"], severity=row["severity"],
                                verdict=row["verdict"], reason=row["reason"]))
    return findings


def write_baseline(path: Path, findings: list[Finding]) -> None:
    rows = ["\t".join(BASELINE_COLUMNS)]
    for f in sorted(findings, key=lambda f: (f.package, f.file, f.line, f.code)):
        reason = f.reason.replace("\t", " ").replace("\n", " ")
        rows.append("\t".join((f.package, f.version, f.file, str(f.line), f.code, f.severity, f.verdict, reason)))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@dataclass
class Scores:
    """What the report prints, computed from judged findings and call-site counts."""
    per_rule: dict[str, Counter]
    call_sites: int
    false_warnings: int
    unjudged: int

    @property
    def warnings_tp(self) -> int:
        return sum(c["tp"] for code, c in self.per_rule.items())

    @property
    def warnings_fp(self) -> int:
        return sum(c["fp"] for code, c in self.per_rule.items())


def score(findings: list[Finding], call_sites: int) -> Scores:
    per_rule: dict[str, Counter] = defaultdict(Counter)
    unjudged = 0
    for f in findings:
        per_rule[f.code][f.verdict] += 1
        per_rule[f.code]["severity:" + f.severity] += 1
        if f.verdict == "?":
            unjudged += 1
    false_warnings = sum(1 for f in findings if f.severity in ("warning", "error") and f.verdict == "fp")
    return Scores(dict(per_rule), call_sites, false_warnings, unjudged)


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def report(scores: Scores, out=sys.stdout) -> None:
    print("\nPer rule (warning/error: precision = tp / (tp + fp); info and hint: useful share):", file=out)
    print(f"  {'code':6} {'n':>4} {'tp':>4} {'fp':>4} {'useful':>6} {'noise':>5} {'?':>3}  score", file=out)
    for code in sorted(scores.per_rule):
        c = scores.per_rule[code]
        n = c["tp"] + c["fp"] + c["useful"] + c["noise"] + c["?"]
        if c["useful"] or c["noise"]:
            value = f"useful {ratio(c['useful'], c['useful'] + c['noise'])}"
            if c["severity:hint"]:
                value += " (hint: not scored)"
        else:
            value = f"precision {ratio(c['tp'], c['tp'] + c['fp'])}"
        print(f"  {code:6} {n:>4} {c['tp']:>4} {c['fp']:>4} {c['useful']:>6} {c['noise']:>5} {c['?']:>3}  {value}",
              file=out)
    tp, fp = scores.warnings_tp, scores.warnings_fp
    # Advice demoted to hint (editors show it faded, `check` lists it last) is not held to the
    # 80 % bar: only info findings count.
    info = [c for c in scores.per_rule.values() if not c["severity:hint"]]
    useful = sum(c["useful"] for c in info)
    noise = sum(c["noise"] for c in info)
    print(f"\nPrecision (warning+error): {ratio(tp, tp + fp)} ({tp} true, {fp} false)", file=out)
    per_100 = f"{100 * scores.false_warnings / scores.call_sites:.2f}" if scores.call_sites else "n/a"
    print(f"False warnings per 100 process-API call sites: {per_100} "
          f"({scores.false_warnings} / {scores.call_sites})", file=out)
    print(f"Info findings judged useful: {ratio(useful, useful + noise)} ({useful} useful, {noise} noise)", file=out)
    if scores.unjudged:
        print(f"Unjudged findings (verdict `?`): {scores.unjudged}", file=out)


def compare(current: list[Finding], baseline: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(judged current findings, new ones, vanished ones); a finding keeps its baseline verdict."""
    known = {f.key: f for f in baseline}
    judged, new = [], []
    for f in current:
        old = known.get(f.key)
        if old is None:
            new.append(f)
            judged.append(f)
        else:
            f.verdict, f.reason = old.verdict, old.reason
            judged.append(f)
    current_keys = {f.key for f in current}
    vanished = [f for f in baseline if f.key not in current_keys]
    return judged, new, vanished


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"download and unpack here (default {DEFAULT_CACHE})")
    parser.add_argument("--packages", type=Path, default=DEFAULT_PACKAGES, help="pinned package list")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, help="hand-judged findings (TSV)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="check only these packages (repeatable); the comparison is limited to them")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the baseline (verdicts kept; new findings get `?`) and exit 0")
    parser.add_argument("--jobs", type=int, default=1, help="mpguard worker processes per package")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every finding with its verdict")
    args = parser.parse_args(argv)

    try:
        packages = read_packages(args.packages)
        if args.only:
            unknown = set(args.only) - {p.name for p in packages}
            if unknown:
                raise CheckError(f"not in {args.packages}: {', '.join(sorted(unknown))}")
            packages = [p for p in packages if p.name in args.only]
        baseline = read_baseline(args.baseline)
        checked = {p.name for p in packages}
        considered = [f for f in baseline if f.package in checked]
    except CheckError as exc:
        print(f"ecosystem: {exc}", file=sys.stderr)
        return 2
    current: list[Finding] = []
    call_sites = 0
    failed = []
    for package in packages:
        try:
            folder = package_root(package, fetch(package, args.cache))
            found = run_mpguard(package, folder, args.jobs)
        except CheckError as exc:
            print(f"ecosystem: {exc}", file=sys.stderr)
            failed.append(package.name)
            continue
        sites = count_call_sites(folder)
        call_sites += sites
        print(f"{package.key}: {len(found)} findings, {sites} call sites", file=sys.stderr)
        current.extend(found)
    if failed:
        # Without every package the comparison would report their findings as vanished.
        print(f"ecosystem: could not check {', '.join(failed)}; nothing compared", file=sys.stderr)
        return 2

    judged, new, vanished = compare(current, considered)
    if new:
        print(f"\nNew findings ({len(new)}):")
        for f in new:
            print(f"  + {f.where()}: {f.message[:100]}")
    if vanished:
        print(f"\nVanished findings ({len(vanished)}):")
        for f in vanished:
            print(f"  - {f.where()} [{f.verdict}] {f.reason}")
    if args.verbose:
        print("\nAll findings:")
        for f in judged:
            print(f"  {f.where()} [{f.verdict}] {f.reason}")
    report(score(judged, call_sites))

    if args.update:
        untouched = [f for f in baseline if f.package not in checked]
        write_baseline(args.baseline, untouched + judged)
        print(f"\nBaseline written: {args.baseline} ({len(untouched) + len(judged)} findings)")
        return 0
    if new or vanished:
        print(f"\n{len(new)} new and {len(vanished)} vanished findings: judge them, then run with --update.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
