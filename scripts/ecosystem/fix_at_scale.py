"""Fix-all at scale: run `mpguard fix --unsafe-fixes` over copies of real trees and audit the result.

The sources (default: this interpreter's standard library and its site-packages) are copied,
Python files only, into a work folder under /tmp; the originals are never touched. After the fix
every changed file is checked for what issue 11 demands of a fix-all:

  does not compile      the file compiled before and does not after
  moved names           a module-level name bound outside the `__main__` guard before is bound
                        only inside the guard after, while a function, class or other code
                        outside the guard still reads it (importing the module, as spawn
                        children do, then fails with NameError when that code runs)
  final newline lost    the file ended with a newline and no longer does
  BOM lost, cookie lost the UTF-8 BOM or the `# -*- coding: ... -*-` line is gone
  line endings changed  the set of line endings used (LF, CRLF, CR) changed
  not idempotent        a second `mpguard fix --unsafe-fixes` changes the file again
  new findings          after the fix, a rule reports more findings in the file than before

Prints the counts with up to --examples examples each, and writes the full lists as JSON.
Standard library only (plus the mpguard of the running interpreter). See docs/ecosystem.md.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path
from typing import Optional

COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
BOM = b"\xef\xbb\xbf"
CHECKS = ("does not compile", "moved names", "final newline lost", "BOM lost", "coding cookie lost",
          "line endings changed", "not idempotent", "new findings")


def copy_python_files(source: Path, target: Path) -> int:
    """Copy the .py files of `source` into `target` (same layout); return how many.

    Installed packages inside the tree (the stdlib folder holds `site-packages`) are left out:
    they are a source of their own.
    """
    count = 0
    for path in source.rglob("*.py"):
        inner = path.relative_to(source).parts
        if not path.is_file() or "__pycache__" in inner or "site-packages" in inner or "dist-packages" in inner:
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        count += 1
    return count


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*.py"))}


def mpguard(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mpguard", *args], cwd=cwd, capture_output=True, text=True)


def findings_per_file(folder: Path, jobs: int, paths: Optional[list[str]] = None) -> dict[str, Counter]:
    done = mpguard("check", "--format", "json", "--exit-zero", "--no-cache", "--jobs", str(jobs),
                   *(paths or ["."]), cwd=folder)
    if done.returncode != 0:
        raise SystemExit(f"fix_at_scale: mpguard check failed (exit {done.returncode}): {done.stderr[-500:]}")
    counts: dict[str, Counter] = {}
    for item in json.loads(done.stdout or "[]"):
        counts.setdefault(Path(item["path"]).as_posix().removeprefix("./"), Counter())[item["code"]] += 1
    return counts


def compiles(source: bytes, name: str) -> bool:
    try:
        compile(source, name, "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


def is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    names = [p for p in parts if isinstance(p, ast.Name) and p.id == "__name__"]
    consts = [p for p in parts if isinstance(p, ast.Constant) and p.value == "__main__"]
    return bool(names and consts)


def bound_names(statements: list[ast.stmt]) -> set[str]:
    """Names bound by these statements at their own level (nested function bodies excluded)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in statements:
        visit(statement)
    return names


def split_guard(tree: ast.Module) -> tuple[list[ast.stmt], list[ast.stmt]]:
    """(top-level statements outside `if __name__ == "__main__":`, statements inside such guards)."""
    outside, inside = [], []
    for statement in tree.body:
        if is_main_guard(statement):
            inside.extend(statement.body)
            outside.extend(statement.orelse)
        else:
            outside.append(statement)
    return outside, inside


def names_read_outside_guard(outside: list[ast.stmt]) -> set[str]:
    return {node.id for statement in outside for node in ast.walk(statement)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def moved_names(before: bytes, after: bytes) -> list[str]:
    """Module-level names moved under the guard although code outside the guard reads them."""
    try:
        old, new = ast.parse(before), ast.parse(after)
    except (SyntaxError, ValueError):
        return []
    old_outside, _ = split_guard(old)
    new_outside, new_inside = split_guard(new)
    moved = (bound_names(old_outside) - bound_names(new_outside)) & bound_names(new_inside)
    return sorted(moved & names_read_outside_guard(new_outside))


def line_endings(source: bytes) -> set[str]:
    crlf = source.count(b"\r\n")
    styles = set()
    if crlf:
        styles.add("CRLF")
    if source.count(b"\n") > crlf:
        styles.add("LF")
    if source.count(b"\r") > crlf:
        styles.add("CR")
    return styles


def has_cookie(source: bytes) -> bool:
    return any(COOKIE.match(line) for line in source.removeprefix(BOM).splitlines()[:2])


def audit(before: bytes, after: bytes, name: str) -> dict[str, str]:
    """The problems of one changed file (check name -> detail)."""
    problems = {}
    if compiles(before, name) and not compiles(after, name):
        problems["does not compile"] = ""
    moved = moved_names(before, after)
    if moved:
        problems["moved names"] = ", ".join(moved)
    if before.endswith((b"\n", b"\r")) and not after.endswith((b"\n", b"\r")):
        problems["final newline lost"] = ""
    if before.startswith(BOM) and not after.startswith(BOM):
        problems["BOM lost"] = ""
    if has_cookie(before) and not has_cookie(after):
        problems["coding cookie lost"] = ""
    if line_endings(before) != line_endings(after):
        problems["line endings changed"] = f"{sorted(line_endings(before))} -> {sorted(line_endings(after))}"
    return problems


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", action="append", type=Path, metavar="DIR",
                        help="tree to copy and fix (repeatable; default: the stdlib and site-packages "
                             "of this interpreter)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/mpguard-fix-at-scale"),
                        help="folder for the copies (emptied first)")
    parser.add_argument("--jobs", type=int, default=2, help="mpguard worker processes")
    parser.add_argument("--examples", type=int, default=5, help="examples printed per problem")
    parser.add_argument("--json", type=Path, help="write every problem here (default WORK/report.json)")
    args = parser.parse_args(argv)

    paths = sysconfig.get_paths()
    sources = args.source or [Path(paths["stdlib"]), Path(paths["purelib"])]
    for source in sources:
        if not source.is_dir():
            print(f"fix_at_scale: not a folder: {source}", file=sys.stderr)
            return 2
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    for index, source in enumerate(sources):
        copied = copy_python_files(source, args.work / f"{index}-{source.name}")
        print(f"copied {copied} files from {source}", file=sys.stderr)

    before = snapshot(args.work)
    findings_before = findings_per_file(args.work, args.jobs)
    done = mpguard("fix", "--unsafe-fixes", "--exit-zero", "--jobs", str(args.jobs), ".", cwd=args.work)
    if done.returncode != 0:
        print(f"fix_at_scale: mpguard fix failed (exit {done.returncode}): {done.stderr[-500:]}", file=sys.stderr)
        return 2
    after = snapshot(args.work)
    changed = sorted(name for name in before if after.get(name) != before[name])
    problems: dict[str, dict[str, str]] = {check: {} for check in CHECKS}
    for name in changed:
        for check, detail in audit(before[name], after[name], name).items():
            problems[check][name] = detail
    if changed:
        findings_after = findings_per_file(args.work, args.jobs, changed)
        for name in changed:
            grown = findings_after.get(name, Counter()) - findings_before.get(name, Counter())
            if grown:
                problems["new findings"][name] = ", ".join(f"{code} +{n}" for code, n in sorted(grown.items()))
        again = mpguard("fix", "--unsafe-fixes", "--exit-zero", "--jobs", str(args.jobs), *changed, cwd=args.work)
        if again.returncode != 0:
            print(f"fix_at_scale: second mpguard fix failed: {again.stderr[-500:]}", file=sys.stderr)
            return 2
        final = snapshot(args.work)
        for name in changed:
            if final[name] != after[name]:
                problems["not idempotent"][name] = ""

    print(f"files: {len(before)}; changed by `mpguard fix --unsafe-fixes`: {len(changed)}")
    print(f"files with findings before the fix: {len(findings_before)}")
    for check in CHECKS:
        found = problems[check]
        print(f"{check}: {len(found)}")
        for name, detail in sorted(found.items())[:args.examples]:
            print(f"    {name}" + (f"  ({detail})" if detail else ""))
    report = args.json or args.work / "report.json"
    report.write_text(json.dumps({"files": len(before), "changed": changed, "problems": problems}, indent=1),
                      encoding="utf-8")
    print(f"full report: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
