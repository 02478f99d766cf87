"""`mpguard` command line: check, fix, rules, rule, server.

Exit codes, as Ruff's: 0 no findings, 1 findings (files that cannot be read or parsed are MP000
findings), 2 usage or internal error: an unknown rule code in `--select`/`--ignore`, a path that
does not exist (the other paths are still checked and reported first), a `pyproject.toml` that does
not parse (nothing is checked), an internal error or a worker process that died on a file.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import signal
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from mpguard import __version__
from mpguard.output import fix_safety, printable
from mpguard.config import DEFAULT_EXCLUDE, TARGET_VERSIONS, Config, config_for, version_text
from mpguard.terminal import escape_for_terminal

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SOURCE_SUFFIXES = (".py", ".pyw", ".pyi", ".ipynb")


# ---- file discovery ------------------------------------------------------------------------

@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named paths that do not exist: exit 2
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (folder, why): MP000
    config_errors: list[str] = field(default_factory=list)  # pyproject.toml syntax errors: exit 2

    def note_config(self, cfg: Config) -> None:
        for error in ([f"cannot parse {cfg.unparsable}"] if cfg.unparsable else []) + list(cfg.errors):
            if error not in self.config_errors:
                self.config_errors.append(error)


def discover(paths: Iterable[str], force_exclude: bool = False) -> Discovery:
    """Files to check: directories recursively, honouring each file's `exclude`; a path named
    explicitly is checked even when `exclude` matches it, unless `force_exclude` (as in Ruff:
    pre-commit and editors name every file explicitly)."""
    found = Discovery()
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            found.missing.append(raw)
            continue
        cfg = config_for(p)
        found.note_config(cfg)
        if force_exclude and cfg.is_excluded(str(p)):
            continue
        if not p.is_dir():
            found.files.append(p)  # even a FIFO or a dangling link: reading it reports why
            continue
        # A folder named on the command line is checked even when `exclude` matches it (as with
        # a file named explicitly); only the built-in excludes (.git, venvs...) still apply.
        use_patterns = not cfg.is_excluded(str(p))

        def unreadable(exc: OSError) -> None:
            found.unreadable.append((str(Path(exc.filename or p)), f"Cannot list this folder: {exc.strerror or exc}"))

        for root, dirs, names in os.walk(p, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDE
                             and not cfg.is_excluded(os.path.join(root, d), use_patterns))
            if "pyproject.toml" in names:  # a nested project: its configuration must parse too
                from mpguard.config import load_pyproject

                found.note_config(load_pyproject(Path(root, "pyproject.toml").resolve()))
            for name in sorted(names):
                if name.endswith(SOURCE_SUFFIXES):
                    full = os.path.join(root, name)
                    if not cfg.is_excluded(full, use_patterns):
                        found.files.append(Path(full))
    return found


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
    """(text, notebook or None), or None with an MP000 finding in `report` when the file cannot
    be read or decoded."""
    try:
        if path.suffix == ".ipynb":
            if not notebooks:
                return None
            from mpguard.sources import read_notebook

            notebook = read_notebook(path)
            return notebook.text, notebook
        return read_source(path), None
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        from mpguard.mp000 import unreadable_finding

        report.findings = [unreadable_finding(read_error_message(exc)).to_json(report.path)]
        return None


def size_limit_notice(path: str, text: str, cfg: Config) -> Optional[str]:
    """The warning for a file over `max-file-size-kb` (mpguard.size_limit), None when under it."""
    from mpguard.size_limit import size_notice, size_over_limit

    size = size_over_limit(text, cfg.max_file_size_kb)
    if size is None:
        return None
    notice = size_notice(size, cfg.max_file_size_kb, "max-file-size-kb")
    return f"mpguard: warning: {printable(path)}: {notice} Use --force to check it."


def read_error_message(exc: Exception) -> str:
    """One sentence for the user on why a file could not be read."""
    from mpguard.sources import UnreadableSource

    if isinstance(exc, UnreadableSource):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return (f"Cannot decode this file as {exc.encoding} (byte 0x{exc.object[exc.start]:02x} at "
                f"offset {exc.start}); declare its encoding")
    if isinstance(exc, OSError):
        return f"Cannot read this file: {exc.strerror or exc}"
    if isinstance(exc, SyntaxError):  # tokenize.detect_encoding: a bad coding cookie
        return f"Cannot decode this file: {exc.msg}"[:100]
    return f"Cannot read this notebook: {exc}"[:100]


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
        notice = size_limit_notice(path_str, text, cfg)
        if notice is not None:
            report.warnings.append(notice)
            return report
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
        notice = size_limit_notice(path_str, text, cfg)
        if notice is not None:
            reports[i] = FileReport(path_str, warnings=list(cfg.warnings) + [notice])
            continue
        if "\x00" not in text and not mentions_process_api(text, cfg):
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
    jobs = [(p, overrides) for _, p, _, _ in todo]
    try:
        results = run_parallel(check_file, jobs, workers, chunksize=1)
    except BrokenProcessPool:
        # A worker died (a crash in native code, the OOM killer): check each file again in a
        # process of its own, so that only the file that kills its process is lost, and reported.
        results = run_isolated(check_file, jobs, workers)
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


def run_isolated(func, jobs: list, workers: Optional[int]) -> list[FileReport]:
    """`func` over `jobs`, each job in a spawned process of its own (`workers` at a time); a job
    whose process dies gets a report with `error` naming how it died."""
    from concurrent.futures import ThreadPoolExecutor

    from mpguard.isolation import isolated_spawn_context, pool_size

    ctx = isolated_spawn_context()  # as run_parallel: the processes import nothing from the tree
    with ThreadPoolExecutor(max_workers=pool_size(workers)) as threads:
        return list(threads.map(lambda job: _run_in_own_process(ctx, func, job), jobs))


def _run_in_own_process(ctx, func, job) -> FileReport:
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_send_result, args=(func, job, sender), daemon=True)
    process.start()
    sender.close()  # only the child writes: EOF when it dies
    try:
        report = receiver.recv()
    except (EOFError, OSError):
        report = None
    finally:
        receiver.close()
    process.join()
    if report is None:
        code = process.exitcode
        try:
            how = f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        except ValueError:
            how = f"signal {-code}"
        report = FileReport(job[0], error=f"{job[0]}: internal error: its worker process died ({how})")
    return report


def _send_result(func, job, sender) -> None:
    sender.send(func(job))
    sender.close()


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
        fixable = {"safe": " [*]", "unsafe": " [~]"}.get(fix_safety(f), "")
        lines.append(f"{loc}: {f['code']}{fixable} {sev_txt} {f['name']}: {f['message']}")
    return "\n".join(lines)


def format_sarif(findings: list[dict], root: Path, successful: bool = True) -> str:
    from mpguard import mp000
    from mpguard.uris import directory_uri, sarif_location
    from mpguard.rules import all_rules
    from mpguard.catalogue import CATALOGUE, docs_url

    rules_meta = []
    index: dict[str, int] = {}
    implemented = all_rules()
    for code, (name, severity) in CATALOGUE.items():
        rule = implemented.get(code)
        index[code] = len(rules_meta)
        if code == "MP000":  # not a rule: the file could not be checked (read, decoded, parsed)
            rules_meta.append({
                "id": code, "name": name, "shortDescription": {"text": mp000.SUMMARY},
                "helpUri": docs_url(code), "help": {"text": mp000.DOCUMENTATION, "markdown": mp000.DOCUMENTATION},
                "defaultConfiguration": {"level": "error"},
            })
            continue
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
        # relative to %SRCROOT% inside the root, else an absolute file: URI (file:///C:/... on
        # Windows); spaces, `#`, `%` and control characters in names are percent-encoded
        location = sarif_location(str(Path(f["path"]).resolve()), str(root.resolve()))
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
                "artifactLocation": location,
                "region": region,
            }}],
        }
        if f.get("related"):
            result["relatedLocations"] = [
                {"id": i, "message": {"text": r["message"]}, "physicalLocation": {
                    "artifactLocation": location,
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": directory_uri(str(root.resolve()))}},
            "invocations": [{"executionSuccessful": successful}],
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2)


def _sarif_level(severity: str) -> str:
    return {"error": "error", "warning": "warning", "info": "note", "hint": "note"}[severity]


# ---- commands ----------------------------------------------------------------------------

class UsageError(Exception):
    """Bad command-line input: printed as `mpguard: error: <message>`, exit 2."""


def _codes_of(values: Optional[list[str]], flag: str) -> list[str]:
    from mpguard.catalogue import expand_selector

    codes = [c.strip() for part in values or () for c in part.split(",") if c.strip()]
    for code in codes:
        if expand_selector(code) is None:
            raise UsageError(f"unknown rule code {code!r} in {flag} (`mpguard rules` lists the codes)")
    return codes


def _overrides(ns: argparse.Namespace) -> dict:
    out: dict = {}
    if getattr(ns, "select", None):
        out["select"] = _codes_of(ns.select, "--select")
    if getattr(ns, "ignore", None):
        out["ignore"] = _codes_of(ns.ignore, "--ignore")
    if getattr(ns, "start_method", None):
        out["start-method"] = ns.start_method
    if getattr(ns, "target_version", None):
        out["target-version"] = ns.target_version
    if getattr(ns, "platform", None):
        out["platforms"] = [p for part in ns.platform for p in part.split(",") if p.strip()]
    if getattr(ns, "force", False):
        out["max-file-size-kb"] = 0  # no size limit (mpguard.size_limit)
    return out


def _print_warnings(reports: list[FileReport]) -> None:
    seen: set[str] = set()
    for r in reports:
        for w in r.warnings:
            if w not in seen:
                seen.add(w)
                print(w, file=sys.stderr)


def _discover(ns: argparse.Namespace) -> Discovery:
    """The files named on the command line; UsageError when a pyproject.toml does not parse (as
    Ruff, nothing is checked then: the configuration it holds is unknown)."""
    found = discover(ns.paths or ["."], force_exclude=ns.force_exclude)
    if found.config_errors:
        raise UsageError("; ".join(e.removeprefix("mpguard: ") for e in found.config_errors))
    for raw in found.missing:  # reported now, exit 2 after the other paths are checked
        print(f"mpguard: error: {printable(raw)}: no such file or directory", file=sys.stderr)
    if not found.files and not found.unreadable and not found.missing:
        print("mpguard: warning: no Python files found under the given paths", file=sys.stderr)
    return found


def _unreadable_reports(found: Discovery) -> list[FileReport]:
    from mpguard.mp000 import unreadable_finding

    return [FileReport(path, findings=[unreadable_finding(why).to_json(path)]) for path, why in found.unreadable]


def _stdin_source(ns: argparse.Namespace) -> tuple[str, Config, Optional[str], FileReport]:
    """(name, config, text or None when undecodable, report) for `-`: the text read from stdin,
    configured and named as `--stdin-filename` says."""
    from mpguard.sources import MAX_SOURCE_BYTES, decode_source

    name = ns.stdin_filename or "-"
    cfg = config_for(ns.stdin_filename or Path.cwd())
    if cfg.unparsable:
        raise UsageError(f"cannot parse {cfg.unparsable}")
    if cfg.errors:
        raise UsageError("; ".join(e.removeprefix("mpguard: ") for e in cfg.errors))
    report = FileReport(name)
    data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
    try:
        if len(data) > MAX_SOURCE_BYTES:
            from mpguard.sources import UnreadableSource

            raise UnreadableSource(f"Standard input is over the {MAX_SOURCE_BYTES / 2**20:g} MB limit; not read")
        text, _ = decode_source(data)
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        from mpguard.mp000 import unreadable_finding

        report.findings = [unreadable_finding(read_error_message(exc)).to_json(name)]
        return name, cfg, None, report
    return name, cfg, text, report


def _excluded_stdin(ns: argparse.Namespace) -> bool:
    return bool(ns.force_exclude and ns.stdin_filename and config_for(ns.stdin_filename).is_excluded(ns.stdin_filename))


def check_stdin(ns: argparse.Namespace, overrides: dict) -> list[FileReport]:
    if _excluded_stdin(ns):
        return []
    name, cfg, text, report = _stdin_source(ns)
    if text is None:
        return [report]
    from mpguard.engine import analyze

    if overrides:
        cfg = cfg.with_overrides(**overrides)
    report.warnings = list(cfg.warnings)
    notice = size_limit_notice(name, text, cfg)
    if notice is not None:
        report.warnings.append(notice)
        return [report]
    try:
        if name.endswith(".ipynb"):
            from mpguard.notebook import NotebookSource

            notebook = NotebookSource.from_ipynb(text, name)
            result = analyze(notebook.text, name, cfg)
            report.findings = [notebook.finding_to_json(f, name) for f in result.findings]
        else:
            report.findings = [f.to_json(name) for f in analyze(text, name, cfg).findings]
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        report.error = f"{name}: internal error: {type(exc).__name__}: {exc}"
    return [report]


def cmd_check(ns: argparse.Namespace) -> int:
    overrides = _overrides(ns)
    if ns.statistics and ns.format == "sarif":
        raise UsageError("--statistics prints text or JSON, not SARIF")
    if ns.stdin_filename and not ns.paths:
        ns.paths = ["-"]  # as Ruff: a stdin file name alone means "read standard input"
    if "-" in ns.paths:
        if ns.paths != ["-"]:
            raise UsageError("`-` (standard input) cannot be combined with other paths")
        reports = check_stdin(ns, overrides)
        return _report_check(ns, reports, len(reports), usage_error=False)
    if ns.stdin_filename:
        raise UsageError("--stdin-filename names standard input: give `-` or no path")
    found = _discover(ns)
    reports = check_files(found.files, overrides, ns.jobs, use_cache=not ns.no_cache)
    reports += _unreadable_reports(found)
    return _report_check(ns, reports, len(found.files), usage_error=bool(found.missing))


def _report_check(ns: argparse.Namespace, reports: list[FileReport], files: int, usage_error: bool) -> int:
    if not ns.output_file:
        return _print_check(ns, reports, files, usage_error)
    import contextlib

    try:
        with open(ns.output_file, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            return _print_check(ns, reports, files, usage_error)
    except OSError as exc:
        raise UsageError(f"cannot write {ns.output_file}: {exc.strerror or exc}") from None


def _print_check(ns: argparse.Namespace, reports: list[FileReport], files: int, usage_error: bool) -> int:
    from mpguard.mp000 import internal_error_finding
    from mpguard.output import check_summary, format_json, format_statistics, printable_findings

    _print_warnings(reports)
    findings: list[dict] = []
    internal = False
    for r in reports:
        findings.extend(r.findings)
        if r.error:
            internal = True
            findings.append(internal_error_finding(r.error.removeprefix(f"{r.path}: ")).to_json(r.path))
            if ns.format != "text":
                print(f"mpguard: error: {printable(r.error)}", file=sys.stderr)
    if ns.statistics:
        if findings:
            print(format_statistics(findings, as_json=ns.format == "json"))
        elif ns.format == "json":
            print("[]")
    elif ns.format == "json":
        print(format_json(findings))
    elif ns.format == "sarif":
        print(format_sarif(findings, Path.cwd(), successful=not internal))
    elif findings:
        print(format_text(printable_findings(findings), color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    if not ns.quiet and not ns.statistics and ns.format == "text":
        print(check_summary(findings, files, internal))
    if usage_error or internal:
        return EXIT_ERROR
    if findings and not ns.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def fix_stdin(ns: argparse.Namespace, overrides: dict) -> int:
    """`mpguard fix -`: the fixed text on stdout (or the diff with `--diff`), what is left on
    stderr; an excluded `--stdin-filename` is echoed unchanged (as Ruff)."""
    from mpguard.output import fix_summary

    if _excluded_stdin(ns):
        sys.stdout.buffer.write(sys.stdin.buffer.read())
        return EXIT_OK
    name, cfg, text, report = _stdin_source(ns)
    if text is None:
        print(format_text(report.findings, color=False), file=sys.stderr)
        return EXIT_ERROR
    from mpguard.engine import analyze
    from mpguard.fixer import fix_text

    if overrides:
        cfg = cfg.with_overrides(**overrides)
    notice = size_limit_notice(name, text, cfg)
    _print_warnings([FileReport(name, warnings=list(cfg.warnings) + ([notice] if notice else []))])
    if notice is not None:
        sys.stdout.write(text)  # the input goes back unchanged, as for an excluded file
        return EXIT_OK
    try:
        fixed = fix_text(text, name, cfg, unsafe=ns.unsafe_fixes)
        left = [f.to_json(name) for f in analyze(fixed.text, name, cfg).findings]
    except Exception as exc:  # noqa: BLE001 - the input goes back unchanged, never lost
        sys.stdout.write(text)
        print(f"mpguard: error: {name}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if ns.diff:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(keepends=True), fixed.text.splitlines(keepends=True),
                                                   fromfile=f"a/{name}", tofile=f"b/{name}"))
    else:
        sys.stdout.write(fixed.text)
    if left:
        print(format_text(left, color=False), file=sys.stderr)
    changed = int(fixed.text != text)
    print(fix_summary(changed, left, ns.unsafe_fixes, dry_run=ns.diff), file=sys.stderr)
    if ns.diff:
        return EXIT_FINDINGS if changed else EXIT_OK
    return EXIT_FINDINGS if left and not ns.exit_zero else EXIT_OK


def cmd_fix(ns: argparse.Namespace) -> int:
    overrides = _overrides(ns)
    if ns.stdin_filename and not ns.paths:
        ns.paths = ["-"]  # as Ruff: a stdin file name alone means "read standard input"
    if "-" in ns.paths:
        if ns.paths != ["-"]:
            raise UsageError("`-` (standard input) cannot be combined with other paths")
        return fix_stdin(ns, overrides)
    if ns.stdin_filename:
        raise UsageError("--stdin-filename names standard input: give `-` or no path")
    found = _discover(ns)
    files = found.files
    try:
        reports = run_parallel(fix_file, [(str(f), overrides, ns.unsafe_fixes) for f in files], ns.jobs)
    except BrokenProcessPool:  # as in check_files: only the file that kills its process is lost
        reports = run_isolated(fix_file, [(str(f), overrides, ns.unsafe_fixes) for f in files], ns.jobs)
    reports += _unreadable_reports(found)
    _print_warnings(reports)
    remaining = 0
    changed = 0
    not_written: list[dict] = []  # the problems of files whose fixed text was not written
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
                not_written += [{"path": r.path, "code": a, "fixes": []} for a in r.applied]
                continue
            for a in r.applied:
                print(f"{r.path}: fixed {a}")
    from mpguard.output import fix_summary

    left = [f for r in reports if not r.error for f in r.findings] + not_written
    print(fix_summary(changed, left, ns.unsafe_fixes, dry_run=ns.diff), file=sys.stderr)
    if found.missing or any(r.error for r in reports):
        return EXIT_ERROR
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
    if code == "MP000":  # not a rule, but a code users meet: "mpguard could not check this file"
        from mpguard.mp000 import DOCUMENTATION

        print(DOCUMENTATION)
        return EXIT_OK
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
        p.add_argument("--start-method", choices=["spawn", "fork", "forkserver"],
                       help="assumed start method on every platform (default: each platform's own)")
        p.add_argument("--target-version", choices=[version_text(v) for v in TARGET_VERSIONS],
                       help="oldest Python the code runs on (default: requires-python, else this Python)")
        p.add_argument("--platform", action="append", metavar="PLATFORMS",
                       help="platforms the code runs on, comma-separated: linux, macos, windows (default: all)")
        p.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
        p.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: CPU count)")
        p.add_argument("--force-exclude", action="store_true",
                       help="apply `exclude` to paths named explicitly too (for pre-commit and editors)")
        p.add_argument("--stdin-filename", metavar="PATH",
                       help="the file name of the text read from `-` (configuration, messages, exclude)")
        p.add_argument("--force", action="store_true",
                       help="also analyse files over `max-file-size-kb` (default 1024; 0 turns the limit off)")

    check = sub.add_parser("check", help="report problems")
    common(check)
    check.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    check.add_argument("--quiet", "-q", action="store_true")
    check.add_argument("--statistics", action="store_true", help="count the findings per code instead of listing them")
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
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
    except UsageError as exc:
        print(f"mpguard: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
