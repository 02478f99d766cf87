"""MP603 worker-logging-lost: worker logging/prints whose destination only the parent set up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.facts.frames import WorkerRun, call_chains, process_workers
from mpguard.facts.logging import (
    FILE_HANDLERS,
    QUEUE_LOGGING,
    QUIET,
    REDIRECTS,
    ROTATING,
)
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import StartMethod
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name, get_arg, has_keyword
from mpguard.semantic.records import CallSite, FunctionInfo
from mpguard.semantic.walk import walk_frame, walk_tree


def _per_process_name(expr: Optional[cst.CSTNode]) -> bool:
    """A log file name that differs per process (pid, process name, time, ...)."""
    if expr is None:
        return False
    for n in walk_tree(expr):
        if isinstance(n, cst.FormattedString):
            return True
        if isinstance(n, cst.BinaryOperation) and isinstance(n.operator, (cst.Modulo, cst.Add)):
            return True
        if isinstance(n, cst.Call):
            name = (dotted_name(n.func) or "").lower()
            if any(k in name for k in ("pid", "current_process", "uuid", "time", "mkstemp", "format", "name")):
                return True
    return False


@dataclass(eq=False)
class Regions:
    import_time: set[int]
    from_guard: set[int]
    child_functions: set[int]  # ids of the functions run in child processes

    def region(self, site: CallSite) -> str:
        f = site.function
        if f is None:
            return "parent" if site.guarded else "import"
        if id(f) in self.import_time:
            return "import"
        if id(f) in self.child_functions:
            return "child"
        if id(f) in self.from_guard:
            return "parent"
        return "unknown"


def _stdout_assignments(model: ModuleModel, bodies: list[cst.CSTNode]) -> list[cst.CSTNode]:
    out = []
    for body in bodies:
        for n in walk_frame(body):
            if isinstance(n, cst.Assign):
                for t in n.targets:
                    if dotted_name(t.target) in ("sys.stdout", "sys.stderr"):
                        out.append(n)
    return out


def check(ctx: RuleContext) -> None:
    model = ctx.model
    runs = [r for r in process_workers(model, roles=("task", "target"))]
    if not runs:
        return
    inits = process_workers(model, roles=("initializer",))
    children: set[int] = set()
    for r in (*runs, *inits):
        children.update(id(f) for f in r.reach)
    regions = Regions(model.functions_run_at_import(), model.functions_run_from_guard(), children)

    config_sites: list[tuple[CallSite, str]] = []
    handler_sites: list[tuple[CallSite, str, str]] = []
    redirect_sites: list[CallSite] = []
    for site in model.calls:
        q = model.facts.logging.callee(site)
        if q in QUEUE_LOGGING:
            return  # records are shipped to the parent: nothing is lost
        if model.facts.logging.configures(site):
            config_sites.append((site, regions.region(site)))
            if q == "logging.basicConfig" and has_keyword(site.node, "filename"):
                handler_sites.append((site, regions.region(site), q))
        if q in FILE_HANDLERS:
            handler_sites.append((site, regions.region(site), q))
        if q in REDIRECTS and isinstance(site.parent, cst.WithItem) and regions.region(site) == "parent":
            redirect_sites.append(site)
    configured_at_import = any(r == "import" for _, r in config_sites)
    configured_in_initializer = any(
        any(model.facts.logging.configures(s) for f in r.reach for s in f.calls) for r in inits)
    parent_configs = [s for s, r in config_sites if r == "parent"]
    parent_file = any(r == "parent" for _, r, _ in handler_sites)
    reported: set[int] = set()

    def child_configures(run: WorkerRun) -> bool:
        return any(model.facts.logging.configures(s) for f in run.reach for s in f.calls)

    # (a) logging configured only in the parent at run time, spawn children log nowhere
    if parent_configs and not configured_at_import and not configured_in_initializer:
        config = parent_configs[0]
        for run in runs:
            method = model.start_method_of(run.dispatch.receiver)
            if method == StartMethod.FORK or child_configures(run):
                continue
            for f in run.reach:
                for site in f.calls:
                    level = model.facts.logging.level_of(site)
                    if level is None or (level not in QUIET and not parent_file):
                        continue
                    if id(site.node) in reported:
                        break
                    reported.add(id(site.node))
                    _report_unconfigured(ctx, run, f, site, level, config, method, parent_file)
                    break

    # (b) one log file written by several processes
    for hsite, region, qual in handler_sites:
        if region not in ("import", "parent") or id(hsite.node) in reported:
            continue
        arg = get_arg(hsite.node, "filename", 0) if qual != "logging.basicConfig" else get_arg(hsite.node, "filename", None)
        if arg is None or _per_process_name(arg.value):
            continue
        for run in runs:
            method = model.start_method_of(run.dispatch.receiver)
            if region == "import" and method == StartMethod.FORK and qual not in ROTATING:
                continue
            if region == "parent" and (method != StartMethod.FORK or qual not in ROTATING):
                continue  # spawn: case (a); fork + plain FileHandler: one inherited handle
            if child_configures(run):
                continue
            logs = next((s for f in run.reach for s in f.calls if model.facts.logging.level_of(s)), None)
            if logs is None:
                continue
            reported.add(id(hsite.node))
            _report_shared_file(ctx, run, hsite, qual, method, region, logs)
            break

    # (c) stdout redirected in the parent only
    bodies: list[cst.CSTNode] = [g[1].body for g in model.guards]
    bodies += [f.node.body for f in model.functions if id(f) in regions.from_guard
               and id(f) not in regions.import_time and id(f) not in children]
    assigned = _stdout_assignments(model, bodies)
    for run in runs:
        method = model.start_method_of(run.dispatch.receiver)
        if method == StartMethod.FORK:
            continue
        enclosing = [r for r in redirect_sites
                     if any(isinstance(r.parent, cst.WithItem) and r.parent in x.with_items
                            for chain in call_chains(model, run.dispatch.site) for x in chain)]
        redirect = assigned[0] if assigned else (enclosing[0].node if enclosing else None)
        if redirect is None:
            continue
        child_redirects = _stdout_assignments(model, [f.node.body for f in run.reach])
        if child_redirects:
            continue
        for f in run.reach:
            for site in f.calls:
                if not model.facts.logging.prints_to_stdout(site) or id(site.node) in reported:
                    continue
                reported.add(id(site.node))
                ctx.report(site.node, (
                    f"`{f.name}()` prints in a `{method}` worker, which does not inherit the parent's stdout "
                    "redirect"
                ), related=[(redirect, "stdout is redirected here, in the parent only")])
                break


def _report_unconfigured(ctx: RuleContext, run: WorkerRun, f: FunctionInfo, site: CallSite, level: str,
                         config: CallSite, method: str, parent_file: bool) -> None:
    where = "under the `__main__` guard" if config.function is None else f"in `{config.function.name}()`"
    ctx.report(site.node, (
        f"`{f.name}()` logs in a `{method}` worker, but logging is configured only {where}"
    ), related=[(config.node, "logging is configured here, in the parent only")])


def _report_shared_file(ctx: RuleContext, run: WorkerRun, hsite: CallSite, qual: str, method: str,
                        region: str, logs: CallSite) -> None:
    short = qual.rsplit(".", 1)[-1]
    if qual in ROTATING:
        message = f"Several processes write and roll over one log file through this `{short}`"
    else:
        message = f"Several processes write one log file through this `{short}`"
    ctx.report(hsite.node, message, related=[(logs.node, "a worker logs here"), (run.dispatch.site.node, "worker processes start here")])


RULE = Rule(
    code="MP603",
    summary="Worker logging or prints go to a destination that only the parent set up at run time.",
    why="""
Under `spawn` and `forkserver` each worker is a fresh interpreter that re-imports the main module
as `__mp_main__`: code under `if __name__ == "__main__":` (or in `main()`) never runs there. If
logging is configured only there, worker loggers have no handler: INFO/DEBUG records vanish and
WARNING+ reach stderr unformatted through the last-resort handler, never the configured file. A
`sys.stdout` redirect done in the parent is not inherited either. And when every process opens the
same log file (a module-level `FileHandler`/`RotatingFileHandler` re-created on each import, or a
rotating handler inherited through `fork`), records interleave and rollovers clobber each other:
the logging cookbook says one file from several processes is not supported.

With a plain `FileHandler` opened with `filemode="w"` (for example by `logging.basicConfig`), every
child that re-creates it also truncates the file.
""",
    fix_doc="""
Configure logging at module level or in the pool's `initializer`; or create a
`multiprocessing.Queue`, give workers a `logging.handlers.QueueHandler` (in the initializer) and
run one `QueueListener` with the real handlers in the parent.
""",
    check=check,
    name="worker-logging-lost",
    severity=Severity.WARNING,
)
