"""`mpguard` command line: check, fix, rules, rule, server.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from mpguard import __version__
from mpguard.config import DEFAULT_EXCLUDE, Config, config_for
from mpguard.terminal import escape_for_terminal

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SOURCE_SUFFIXES = (".py", ".pyw", ".pyi", ".ipynb")


# ---- file discovery ------------------------------------------------------------------------

def discover(paths: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files to check (directories recursively, honouring each file's `exclude`) and errors."""
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            errors.append(f"mpguard: {raw}: no such file or directory")
            continue
        if p.is_file():
            files.append(p)  # an explicitly named file is always checked
            continue
        cfg = config_for(p)
        # A folder named on the command line is checked even when `exclude` matches it (as with
        # a file named explicitly); only the built-in excludes (.git, venvs...) still apply.
        use_patterns = not cfg.is_excluded(str(p))
        for root, dirs, names in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDE
                             and not cfg.is_excluded(os.path.join(root, d), use_patterns))
            for name in sorted(names):
                if name.endswith(SOURCE_SUFFIXES[:2]) or name.endswith(".ipynb"):
                    full = os.path.join(root, name)
                    if not cfg.is_excluded(full, use_patterns):
                        files.append(Path(full))
    return files, errors


# ---- per-file work (runs in worker processes: module-level, picklable in and out) -----------

@dataclass
class FileReport:
    path: str
    findings: list[dict] = field(default_factory=list)
    error: Optional[str] = None  # could not read the file
    warnings: list[str] = field(default_factory=list)
    new_text: Optional[str] = None  # for fix
    old_text: Optional[str] = None
    applied: list[str] = field(default_factory=list)


def read_source(path: Path) -> str:
    from mpguard.sources import read_python_source

    return read_python_source(path)


def _config(path: Path, overrides: dict) -> Config:
    cfg = config_for(path)
    if overrides:
        cfg = cfg.with_overrides(**overrides)
    return cfg


def _read(path: Path, report: FileReport, notebooks: bool):
    """(text, notebook or None), or None with `report.error` set when the file cannot be read."""
    try:
        if path.suffix == ".ipynb":
            if not notebooks:
                return None
            from mpguard.sources import read_notebook

            notebook = read_notebook(path)
            return notebook.text, notebook
        return read_source(path), None
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        report.error = f"{report.path}: cannot read: {exc}"
        return None


def check_file(args: tuple[str, dict]) -> FileReport:
    path_str, overrides = args
    path = Path(path_str)
    report = FileReport(path_str)
    got = _read(path, report, notebooks=True)
    if got is None:
        return report
    text, notebook = got  # notebooks: findings are reported per cell (mpguard.notebook)
    try:
        from mpguard import analysis
        from mpguard.engine import analyze

        analysis.PAUSE_GC = True  # a batch process: see mpguard.analysis.gc_paused
        cfg = _config(path, overrides)
        report.warnings = list(cfg.warnings)
        result = analyze(text, path_str, cfg)
        report.findings = [notebook.finding_to_json(f, path_str) if notebook is not None else f.to_json(path_str)
                           for f in result.findings]
        for err in result.rule_errors:
            report.warnings.append(f"mpguard: internal error in rule {err} on {path_str} (skipped)")
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        report.error = f"{path_str}: internal error: {type(exc).__name__}: {exc}"
    return report


def fix_file(args: tuple[str, dict, bool]) -> FileReport:
    path_str, overrides, unsafe = args
    path = Path(path_str)
    report = FileReport(path_str)
    got = _read(path, report, notebooks=False)  # notebooks are checked, not rewritten
    if got is None:
        return report
    text, _ = got
    try:
        from mpguard.engine import analyze
        from mpguard.fixer import fix_text

        cfg = _config(path, overrides)
        report.warnings = list(cfg.warnings)
        fixed = fix_text(text, path_str, cfg, unsafe=unsafe)
        report.old_text, report.new_text, report.applied = text, fixed.text, fixed.applied
        result = analyze(fixed.text, path_str, cfg)
        report.findings = [f.to_json(path_str) for f in result.findings]
    except Exception as exc:  # noqa: BLE001
        report.error = f"{path_str}: internal error: {type(exc).__name__}: {exc}"
    return report


def check_files(files: list[Path], overrides: dict, workers: Optional[int],
                use_cache: bool = True) -> list[FileReport]:
    """`check_file` over many files, cheaply: reading and the prefilter run here in the parent
    (microseconds per file; 96 % of a typical tree never imports a process API and needs no
    worker at all), results of unchanged files come from the cache, and only the rest is
    spread over the pool, biggest first so that one large file does not finish last."""
    from mpguard.engine import mentions_process_api

    cache = None
    if use_cache:
        from mpguard.cache import ResultCache

        cache = ResultCache()
    reports: list[Optional[FileReport]] = [None] * len(files)
    todo: list[tuple[int, str, int, Optional[str]]] = []  # (index, path, size, cache key)
    for i, f in enumerate(files):
        path_str = str(f)
        try:
            text = read_source(f)
            cfg = _config(f, overrides)
        except Exception:  # noqa: BLE001 - the worker reports it exactly as before
            todo.append((i, path_str, 0, None))
            continue
        if "\x00" not in text and not mentions_process_api(text):
            reports[i] = FileReport(path_str, warnings=list(cfg.warnings))  # what analyze() gives
            continue
        key = cache.key(path_str, text, cfg) if cache is not None else None
        if key is not None:
            got = cache.get(key)  # type: ignore[union-attr]
            if got is not None:
                reports[i] = FileReport(path_str, findings=got["findings"], warnings=got["warnings"])
                continue
        todo.append((i, path_str, len(text), key))
    todo.sort(key=lambda t: -t[2])
    total = sum(t[2] for t in todo)
    # A spawned worker costs ~0.3-0.5 s to start (it imports libcst): below ~150 kB of source
    # to analyse (~1 s of work) the parent does it alone.
    if total < 150_000:
        workers = 1
    results = run_parallel(check_file, [(p, overrides) for _, p, _, _ in todo], workers, chunksize=1)
    for (i, _, _, key), rep in zip(todo, results):
        reports[i] = rep
        if (cache is not None and key is not None and rep.error is None
                and not any("internal error" in w for w in rep.warnings)):
            cache.put(key, rep.findings, rep.warnings)
    if cache is not None and cache.warning:
        print(escape_for_terminal(cache.warning), file=sys.stderr)  # said once, then ignored
    return [r for r in reports if r is not None]


def run_parallel(func, jobs: list, workers: Optional[int], chunksize: Optional[int] = None) -> list[FileReport]:
    """Run `func` over `jobs`, in a spawn-context process pool when there is enough work.

    mpguard follows its own rules: the pool uses an explicit spawn context, the worker functions
    are module-level, arguments and results are plain picklable data, and it is only reached from
    `main()`, which runs under the `__main__` guard of `python -m mpguard` / the console script.
    """
    from mpguard.isolation import isolated_spawn_context, pool_size

    progress = Progress(len(jobs))
    workers = pool_size(workers)
    # Only the files that mention a process API cost anything; spread only when worth it.
    if workers <= 1 or len(jobs) < (2 if chunksize == 1 else 16):
        out = []
        for job in jobs:
            out.append(func(job))
            progress.step()
        progress.done()
        return out
    from concurrent.futures import ProcessPoolExecutor

    ctx = isolated_spawn_context()  # workers and resource tracker import nothing from the tree
    out = []
    if chunksize is None:
        chunksize = max(1, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
        for report in ex.map(func, jobs, chunksize=chunksize):
            out.append(report)
            progress.step()
    progress.done()
    return out


class Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.enabled = sys.stderr.isatty() and total > 20

    def step(self) -> None:
        self.count += 1
        if self.enabled and (self.count % 10 == 0 or self.count == self.total):
            sys.stderr.write(f"\rmpguard: {self.count}/{self.total} files")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()


# ---- output formats --------------------------------------------------------------------------

_COLORS = {"error": "31", "warning": "33", "info": "36", "hint": "2"}


def format_text(findings: list[dict], color: bool) -> str:
    lines = []
    for f in findings:
        f = {**f, "path": escape_for_terminal(f["path"]), "message": escape_for_terminal(f["message"])}
        start = f["range"]["start"]
        loc = f"{f['path']}:{start['line']}:{start['column'] + 1}"
        if "cell" in f:  # a notebook finding: the range is relative to the cell
            loc = f"{f['path']}:cell {f['cell']}:{start['line']}:{start['column'] + 1}"
        sev = f["severity"]
        sev_txt = f"\x1b[{_COLORS[sev]}m{sev}\x1b[0m" if color else sev
        fixable = " [*]" if any(x["safety"] == "safe" for x in f["fixes"]) else ""
        lines.append(f"{loc}: {f['code']}{fixable} {sev_txt} {f['name']}: {f['message']}")
    return "\n".join(lines)


def format_sarif(findings: list[dict], root: Path) -> str:
    from mpguard.rules import all_rules
    from mpguard.catalogue import CATALOGUE, docs_url

    rules_meta = []
    index: dict[str, int] = {}
    implemented = all_rules()
    for code, (name, severity) in CATALOGUE.items():
        rule = implemented.get(code)
        index[code] = len(rules_meta)
        rules_meta.append({
            "id": code,
            "name": name,
            "shortDescription": {"text": rule.summary if rule else name.replace("-", " ")},
            "fullDescription": {"text": (rule.why.strip() if rule else name.replace("-", " "))},
            "helpUri": docs_url(code),
            "help": {"text": rule.documentation() if rule else name, "markdown": rule.documentation() if rule else name},
            "defaultConfiguration": {"level": _sarif_level(severity.value)},
        })
    results = []
    for f in findings:
        rng = f["range"]
        try:
            uri = Path(f["path"]).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            uri = Path(f["path"]).resolve().as_uri()
        region = {
            "startLine": rng["start"]["line"],
            "startColumn": rng["start"]["column"] + 1,
            "endLine": rng["end"]["line"],
            "endColumn": rng["end"]["column"] + 1,
        }
        result = {
            "ruleId": f["code"],
            "ruleIndex": index.get(f["code"], 0),
            "level": _sarif_level(f["severity"]),
            "message": {"text": f["message"]},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": region,
            }}],
        }
        if f.get("related"):
            result["relatedLocations"] = [
                {"id": i, "message": {"text": r["message"]}, "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": r["range"]["start"]["line"],
                               "startColumn": r["range"]["start"]["column"] + 1,
                               "endLine": r["range"]["end"]["line"],
                               "endColumn": r["range"]["end"]["column"] + 1}}}
                for i, r in enumerate(f["related"])
            ]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mpguard",
                "version": __version__,
                "informationUri": "https://github.com/mpguard/mpguard",
                "rules": rules_meta,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2)


def _sarif_level(severity: str) -> str:
    return {"error": "error", "warning": "warning", "info": "note", "hint": "note"}[severity]


# ---- commands ----------------------------------------------------------------------------

def _overrides(ns: argparse.Namespace) -> dict:
    out: dict = {}
    if getattr(ns, "select", None):
        out["select"] = [c for part in ns.select for c in part.split(",") if c]
    if getattr(ns, "ignore", None):
        out["ignore"] = [c for part in ns.ignore for c in part.split(",") if c]
    if getattr(ns, "start_method", None):
        out["start-method"] = ns.start_method
    return out


def _print_warnings(reports: list[FileReport]) -> None:
    seen: set[str] = set()
    for r in reports:
        for w in r.warnings:
            if w not in seen:
                seen.add(w)
                print(w, file=sys.stderr)


def _files_or_none(ns: argparse.Namespace) -> Optional[list[Path]]:
    """The files to work on; None (after printing why) when nothing named could be found."""
    files, errors = discover(ns.paths or ["."])
    for e in errors:
        print(e, file=sys.stderr)
    return None if errors and not files else files


def cmd_check(ns: argparse.Namespace) -> int:
    files = _files_or_none(ns)
    if files is None:
        return EXIT_ERROR
    overrides = _overrides(ns)
    reports = check_files(files, overrides, ns.jobs, use_cache=not ns.no_cache)
    _print_warnings(reports)
    findings: list[dict] = []
    internal = False
    for r in reports:
        if r.error:
            print(f"mpguard: {r.error}", file=sys.stderr)
            internal = True
        findings.extend(r.findings)
    if ns.format == "json":
        print(json.dumps(findings, indent=2))
    elif ns.format == "sarif":
        print(format_sarif(findings, Path.cwd()))
    else:
        if findings:
            print(format_text(findings, color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
        if not ns.quiet:
            n = len(findings)
            fixable = sum(1 for f in findings if any(x["safety"] == "safe" for x in f["fixes"]))
            summary = f"Found {n} problem{'s' if n != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''}"
            if fixable:
                summary += f" ({fixable} fixable with `mpguard fix`)"
            if internal:
                summary += "; some files could not be checked (see above)"
            print(summary if n or internal else f"All checks passed ({len(files)} file{'s' if len(files) != 1 else ''}).",
                  file=sys.stderr if ns.format != "text" else sys.stdout)
    if internal and not findings:
        return EXIT_ERROR
    if findings and not ns.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_fix(ns: argparse.Namespace) -> int:
    files = _files_or_none(ns)
    if files is None:
        return EXIT_ERROR
    overrides = _overrides(ns)
    reports = run_parallel(fix_file, [(str(f), overrides, ns.unsafe_fixes) for f in files], ns.jobs)
    _print_warnings(reports)
    remaining = 0
    changed = 0
    from mpguard.safe_write import FixWriter

    writer = FixWriter(ns.paths or ["."])  # writes only inside these, only unchanged files
    for r in reports:
        if r.error:
            print(f"mpguard: {r.error}", file=sys.stderr)
            continue
        remaining += len(r.findings)
        if r.new_text is None or r.new_text == r.old_text:
            continue
        changed += 1
        if ns.diff:
            sys.stdout.writelines(difflib.unified_diff(
                (r.old_text or "").splitlines(keepends=True), r.new_text.splitlines(keepends=True),
                fromfile=f"a/{r.path}", tofile=f"b/{r.path}"))
        else:
            skipped = writer.write(r.path, r.old_text or "", r.new_text)
            if skipped is not None:
                print(f"mpguard: {escape_for_terminal(skipped)}", file=sys.stderr)
                changed -= 1
                remaining += len(r.applied)  # what the fix would have fixed is still there
                continue
            for a in r.applied:
                print(f"{r.path}: fixed {a}")
    verb = "Would fix" if ns.diff else "Fixed"
    print(f"{verb} {changed} file{'s' if changed != 1 else ''}; {remaining} problem{'s' if remaining != 1 else ''} left.",
          file=sys.stderr)
    if ns.diff:
        return EXIT_FINDINGS if changed else EXIT_OK
    return EXIT_FINDINGS if remaining and not ns.exit_zero else EXIT_OK


def cmd_rules(ns: argparse.Namespace) -> int:
    from mpguard.rules import all_rules

    rules = all_rules()
    if ns.format == "json":
        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.default_severity.value,
                           "summary": r.summary, "spawn_only": r.spawn_only,
                           "fixable": r.fixable} for r in rules.values()], indent=2))
        return EXIT_OK
    for r in rules.values():
        print(f"{r.code}  {r.name:<38} {r.default_severity.value:<8} {r.summary}")
    return EXIT_OK


def cmd_rule(ns: argparse.Namespace) -> int:
    from mpguard.catalogue import NAME_TO_CODE
    from mpguard.rules import all_rules

    code = NAME_TO_CODE.get(ns.code, ns.code.upper())
    rule = all_rules().get(code)
    if rule is None:
        print(f"mpguard: unknown rule {ns.code!r}; `mpguard rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(rule.documentation())
    return EXIT_OK


def cmd_server(ns: argparse.Namespace, rest: list[str]) -> int:
    from mpguard.lsp.server import main as server_main

    return server_main(rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpguard", description="Find multiprocessing pitfalls before they fail at run time.")
    parser.add_argument("--version", action="version", version=f"mpguard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="*", help="files or directories (default: .)")
        p.add_argument("--select", action="append", metavar="CODES", help="only these codes/prefixes (comma-separated)")
        p.add_argument("--ignore", action="append", metavar="CODES", help="skip these codes/prefixes")
        p.add_argument("--start-method", choices=["spawn", "fork", "forkserver"], help="assumed start method")
        p.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
        p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: CPU count)")

    check = sub.add_parser("check", help="report problems")
    common(check)
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument("--quiet", "-q", action="store_true")
    check.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the result cache (~/.cache/mpguard, $MPGUARD_CACHE_DIR)")
    fix = sub.add_parser("fix", help="apply fixes in place (safe fixes unless --unsafe-fixes)")
    common(fix)
    fix.add_argument("--unsafe-fixes", action="store_true")
    fix.add_argument("--diff", action="store_true", help="print a diff instead of writing")
    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    rule = sub.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code")
    sub.add_parser("server", help="run the language server (stdio)", add_help=False)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "server":
        return cmd_server(argparse.Namespace(), argv[1:])
    parser = build_parser()
    try:
        ns = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_ERROR if exc.code not in (0, None) else EXIT_OK
    try:
        if ns.command == "check":
            return cmd_check(ns)
        if ns.command == "fix":
            return cmd_fix(ns)
        if ns.command == "rules":
            return cmd_rules(ns)
        if ns.command == "rule":
            return cmd_rule(ns)
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
