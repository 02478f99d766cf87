"""MP103 import-time-work-in-spawned-module: heavy top-level work that every child re-runs."""

from __future__ import annotations

import libcst as cst

from mpguard.rules import Applies, Rule, RuleContext, Severity
from mpguard.semantic.kinds import StartMethod, ValueKind
from mpguard.semantic.names import int_value
from mpguard.semantic.records import CallSite
from mpguard.semantic.walk import walk_tree

# Qualified callables (or prefixes ending in ".") that do I/O or heavy loading.
HEAVY = {
    "open": "opens and reads a file",
    "io.open": "opens a file",
    "json.load": "parses a file",
    "pickle.load": "unpickles a file",
    "joblib.load": "loads a model from disk",
    "numpy.load": "loads an array from disk",
    "numpy.loadtxt": "parses a file",
    "numpy.genfromtxt": "parses a file",
    "numpy.fromfile": "reads a file",
    "torch.load": "loads a model from disk",
    "time.sleep": "sleeps",
    "sqlite3.connect": "opens a database connection",
    "sqlalchemy.create_engine": "creates a database engine",
    "psycopg2.connect": "opens a database connection",
    "urllib.request.urlopen": "makes a network request",
    "requests.": "makes a network request",
    "httpx.": "makes a network request",
    "pandas.read_": "reads a data file",
    "polars.read_": "reads a data file",
    "subprocess.": "runs a subprocess",
    "os.system": "runs a shell command",
    "shutil.copytree": "copies files",
}
_SUFFIX_HEAVY = {"from_pretrained": "loads a pretrained model", "parse_args": "parses the command line"}
BIG_RANGE = 100_000


def _heavy_reason(ctx: RuleContext, site: CallSite) -> str | None:
    model = ctx.model
    v = model.resolve(site.node.func, site.scope, site.seq)
    qual = v.qualname if v.kind == ValueKind.REF else None
    if qual and qual in _OPENERS and _reads_package_data(model, site):
        return None  # a template or config file shipped with the package: small by nature
    if qual:
        for key, why in HEAVY.items():
            if qual == key or (key.endswith((".", "_")) and qual.startswith(key)):
                if qual in ("requests.Session", "requests.session", "httpx.Client"):
                    return None  # constructing a client does no I/O
                return why
    func = site.node.func
    if isinstance(func, cst.Attribute) and func.attr.value in _SUFFIX_HEAVY:
        return _SUFFIX_HEAVY[func.attr.value]
    if qual == "range" or (isinstance(func, cst.Name) and func.value == "range"):
        args = [a for a in site.node.args if a.keyword is None]
        bound = args[1].value if len(args) >= 2 else (args[0].value if args else None)
        n = int_value(bound)
        if n is not None and n >= BIG_RANGE and _is_iterated_eagerly(model, site):
            return f"computes over {n:,} items"
    return None


_OPENERS = {"open", "io.open", "json.load", "pickle.load"}
_PACKAGE_DATA = ("importlib.resources.", "importlib_resources.", "pkg_resources.", "pkgutil.get_data")


def _reads_package_data(model, site: CallSite) -> bool:
    """The path is found next to the module (`__file__`) or through the package's resources."""
    first = site.node.args[0].value if site.node.args else None
    if first is None:
        return False
    for node in walk_tree(first):
        if isinstance(node, cst.Name) and node.value == "__file__":
            return True
        if isinstance(node, cst.Call):
            qualname = model.library_name(node.func, site.scope, site.seq) or ""
            if qualname.startswith(_PACKAGE_DATA):
                return True
    return False


def _is_iterated_eagerly(model, site: CallSite) -> bool:
    # A range inside a list/set/dict comprehension or passed to list()/sum() at top level.
    parent = model.parents.get(id(site.node))
    return isinstance(parent, (cst.CompFor, cst.Arg))


def _module_spawns(ctx: RuleContext) -> bool:
    model = ctx.model
    for site in model.calls:
        start = model.facts.starts.process_start_of(site)
        if start is not None and ctx.applies_under(start.start_method):
            return True
    for d in model.iter_process_dispatches():
        if d.is_process and ctx.applies_under(model.start_method_of(d.receiver)):
            return True
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    import_time = [s for s in model.calls if s.import_time]
    if not import_time or not _module_spawns(ctx):
        return
    method = ctx.start_method if ctx.start_method != StartMethod.FORK else StartMethod.SPAWN
    reported_statements: set[int] = set()
    for site in import_time:
        reason = _heavy_reason(ctx, site)
        if reason is None or site.top_index in reported_statements:
            continue
        reported_statements.add(site.top_index)  # one finding per top-level statement
        ctx.report(
            site.node,
            f"Top-level call {reason} at import time; every `{method}` child repeats it",
        )


RULE = Rule(
    code="MP103",
    summary="Heavy work at module top level in a module that starts spawned processes.",
    why="""
With `spawn` (and `forkserver`), each child imports the main module again. File and network I/O,
model or data loading, `time.sleep` and big computations at top level run once more in every
worker: start-up is slow, memory is multiplied and side effects repeat (the script's banner prints
N+1 times; argparse runs again in every child).

Only `spawn` and `forkserver` children re-import the main module (Windows, macOS, Linux from
Python 3.14); under `fork` the work runs once. Nothing raises: the cost is start-up time, memory and
repeated side effects.
""",
    fix_doc="""
Move the work under `if __name__ == "__main__":`, into the worker, or into an `initializer` that
fills a module global once per worker (or a cached getter).
""",
    check=check,
    name="import-time-work-in-spawned-module",
    severity=Severity.WARNING,
    applies=Applies.spawned_children(notebooks=False),
)
