"""Which calls start processes, and which of them run when the module is imported.

Shared by MP101 (unguarded start), MP103 (import-time work), MP606 (pool inside a daemon).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.model import CallSite, FunctionInfo, ModuleModel, Value


@dataclass(eq=False)
class ProcessStart:
    site: CallSite
    what: str  # human text: "`Pool(...)` starts worker processes"
    value: Value  # the pool / process / manager / executor instance involved
    start_method: str


def process_start_of(model: ModuleModel, site: CallSite) -> Optional[ProcessStart]:
    """If this call starts (or immediately needs) child processes, describe it."""
    call = site.node
    func = model.resolve(call.func, site.scope, site.seq)
    # Constructors that start processes at once: Pool(...), Manager(), ctx.Pool(...).
    inst = None
    if func.kind == "ref" or (func.kind == "method" and func.receiver is not None
                               and func.receiver.is_type("mp.context")):
        inst = model.resolve(call, site.scope, site.seq)
        if inst.is_type("mp.Pool"):
            return ProcessStart(site, f"`{_callee_text(call)}(...)` starts its worker processes", inst,
                                model.start_method_of(inst))
        if inst.is_type("mp.Manager"):
            return ProcessStart(site, f"`{_callee_text(call)}()` starts a manager server process", inst,
                                model.start_method_of(inst))
    if func.kind == "method" and func.receiver is not None and func.receiver.kind == "instance":
        recv = func.receiver
        name = func.qualname
        if recv.qualname == "mp.Process" and name == "start":
            return ProcessStart(site, "`.start()` launches a child process", recv, model.start_method_of(recv))
        if recv.qualname == "mp.Manager" and name == "start":
            return ProcessStart(site, "`.start()` launches the manager's server process", recv,
                                model.start_method_of(recv))
        if recv.qualname == "ProcessPoolExecutor" and name in ("submit", "map"):
            return ProcessStart(site, f"`.{name}(...)` on a ProcessPoolExecutor starts its worker processes",
                                recv, model.start_method_of(recv))
    return None


def _callee_text(call: cst.Call) -> str:
    from mpguard.model import dotted_name

    return dotted_name(call.func) or "Pool"


@dataclass(eq=False)
class ImportTimeStart:
    top_site: CallSite  # the top-level call (or the start itself) that runs at import time
    start: ProcessStart  # the actual process start (maybe inside a function)
    via: Optional[FunctionInfo]  # the function the top-level call runs, when indirect


def import_time_starts(model: ModuleModel) -> list[ImportTimeStart]:
    cache = model.__dict__.get("_import_time_starts")
    if cache is not None:
        return cache
    out: list[ImportTimeStart] = []
    reached = model.functions_run_at_import()
    for site in model.calls:
        start = process_start_of(model, site)
        if start is None:
            continue
        if site.import_time:
            out.append(ImportTimeStart(site, start, None))
        elif site.function is not None and id(site.function) in reached:
            chain = model.callers_chain(site.function, import_time=True)
            if chain:
                out.append(ImportTimeStart(chain[0], start, site.function))
    model.__dict__["_import_time_starts"] = out
    return out
