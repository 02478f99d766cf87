"""MP403 exception-swallowed-in-process: a Process's failure never reaches the parent."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.futures import Event, trace
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_at
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name, get_arg
from mpguard.semantic.records import FunctionInfo

CHANNEL_TYPES = (
    ObjectType.MP_QUEUE, ObjectType.PIPE, ObjectType.CONNECTION_END, ObjectType.MANAGER_PROXY,
    ObjectType.SHARED, ObjectType.MANAGER,
)
SEND_METHODS = {"put", "put_nowait", "send", "send_bytes", "append", "extend", "update", "set",
                "setdefault", "insert"}
LITERALS = (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
            cst.Imaginary)


def _arg_values(model: ModuleModel, d: Dispatch) -> Optional[list[cst.BaseExpression]]:
    """The values the child receives; None when they cannot be listed."""
    call = d.site.node
    if d.receiver.class_info is not None:  # a Process subclass: every constructor argument
        if any(a.star for a in call.args):
            return None
        return [a.value for a in call.args]
    out: list[cst.BaseExpression] = []
    args = get_arg(call, "args", 3)
    if args is not None:
        if not isinstance(args.value, (cst.Tuple, cst.List)):
            return None
        for el in args.value.elements:
            if isinstance(el, cst.StarredElement):
                return None
            out.append(el.value)
    kwargs = get_arg(call, "kwargs", 4)
    if kwargs is not None:
        if not isinstance(kwargs.value, cst.Dict):
            return None
        for el in kwargs.value.elements:
            if not isinstance(el, cst.DictElement):
                return None
            out.append(el.value)
    return out


def _worker(model: ModuleModel, d: Dispatch) -> Optional[FunctionInfo]:
    if d.receiver.class_info is not None:
        run = d.receiver.class_info.methods.get("run")
        return run
    v = model.worker_value(d)
    while v.kind == ValueKind.PARTIAL and v.inner is not None:
        v = v.inner
    if v.kind in (ValueKind.FUNCTION, ValueKind.METHOD) and v.function is not None:
        return v.function
    return None


def _worker_reports_back(model: ModuleModel, f: FunctionInfo) -> bool:
    """The worker (or what it calls) sends something back: `q.put`, `conn.send`, `shared[i] = x`."""
    for g in model.transitive_callees(f):
        for site in g.calls:
            func = site.node.func
            if isinstance(func, cst.Attribute) and func.attr.value in SEND_METHODS:
                return True
        params = {b for b, bs in g.scope.bindings.items() if any(x.kind == "param" for x in bs)}
        for name in params:
            for use in g.scope.loads.get(name, []):
                parent = model.parents.get(id(use.node))
                if isinstance(parent, cst.Subscript):
                    return True
                if isinstance(parent, cst.Attribute) and parent.attr.value == "value":
                    return True
    return False


def _handles_own_errors(f: FunctionInfo) -> bool:
    body = f.node.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    stmts = list(body.body)
    if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and isinstance(stmts[0].body[0], cst.Expr) \
            and isinstance(stmts[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        stmts = stmts[1:]
    return len(stmts) == 1 and isinstance(stmts[0], cst.Try) and bool(stmts[0].handlers)


def _has_channel(model: ModuleModel, d: Dispatch, worker: Optional[FunctionInfo]) -> Optional[bool]:
    """True: a result channel exists; False: none; None: cannot tell."""
    values = _arg_values(model, d)
    if values is None:
        return None
    unknown = False
    for expr in values:
        if isinstance(expr, LITERALS):
            continue
        v = model.resolve(expr, d.site.scope, d.site.seq)
        if v.is_type(*CHANNEL_TYPES):
            return True
        if v.kind == ValueKind.UNKNOWN or v.kind == ValueKind.INSTANCE and v.qualname not in (
                "str", "number", "sequence", "dict", "ndarray", "dataframe", "file"):
            unknown = True
    if worker is not None:
        if _worker_reports_back(model, worker):
            return True
        return False
    return None if unknown else False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if d.api != "process" or not d.receiver.is_type(ObjectType.PROCESS):
            continue
        events = trace(model, d.site.node, d.site.scope)
        if any(e.kind == "escape" for e in events):
            continue
        attrs = {e.attr for e in events if e.kind == "attr"}
        if "exitcode" in attrs or not {"start", "join"} <= {e.attr for e in events if e.kind == "attr" and e.called}:
            continue
        worker = _worker(model, d)
        if worker is not None and _handles_own_errors(worker):
            continue
        if _has_channel(model, d, worker) is not False:
            continue
        joins = list({id(e.call): e for e in events if e.kind == "attr" and e.attr == "join" and e.called}.values())
        wname = f"`{_qualname(worker)}`" if worker is not None else (
            f"`{dotted_name(d.worker.value)}`" if d.worker is not None and dotted_name(d.worker.value) else "the worker")
        message = f"A failure of the process running {wname} goes unnoticed: its `exitcode` is never checked"
        fixes = []
        # No exit-code check after the program's own `terminate()`/`kill()` (the code is then
        # negative by design) or after `join(timeout)` (the process may still run): it would raise.
        stopped = any(e.kind == "attr" and e.called and e.attr in ("terminate", "kill") for e in events)
        fix = None if stopped else _exitcode_fix(ctx, joins)
        if fix is not None:
            fixes.append(fix)
        ctx.report(d.site.node, message, fixes=fixes,
                   related=[(joins[0].call, "joined here; the exit code is not checked")] if joins and joins[0].call else [])


def _qualname(f: FunctionInfo) -> str:
    return f"{f.class_info.name}.{f.name}" if f.class_info is not None else f.name


def _exitcode_fix(ctx: RuleContext, joins: list[Event]):
    if len(joins) != 1 or joins[0].call is None:
        return None
    model = ctx.model
    join_call = joins[0].call
    if join_call.args:  # join(timeout): the exit code is None while the process still runs
        return None
    attr = joins[0].node
    if not isinstance(attr, cst.Attribute) or not isinstance(attr.value, cst.Name):
        return None
    name = attr.value.value
    stmt = model.parents.get(id(join_call))
    if not isinstance(stmt, cst.Expr):
        return None
    found = statement_line_at(model, join_call, stmt)
    if found is None:
        return None
    line, ancestors = found
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if ancestors and not isinstance(ancestors[-1], cst.IndentedBlock):
        return None

    def plan() -> MultiEdit:
        check_stmt = cst.parse_statement(
            f"if {name}.exitcode != 0:\n"
            f"    raise RuntimeError(f\"process {{{name}.name}} failed with exit code {{{name}.exitcode}}\")\n")
        return MultiEdit().insert_after(line, [check_stmt])

    return ctx.fix("Check the exit code after `join()`", Safety.UNSAFE, plan, preferred=True)


RULE = Rule(
    code="MP403",
    summary="A `Process` worker's exception never reaches the parent (exit code not checked).",
    why="""
An exception raised in a `multiprocessing.Process` target is printed to the child's stderr and the
child exits with code 1, but nothing is raised in the parent: `join()` returns normally. Unless the
parent checks `p.exitcode` after `join()`, or the worker reports back through a queue, pipe or
manager object, a failed worker is indistinguishable from a successful one and the script carries
on with missing work.

Nothing raises in the parent under any start method; the child's traceback appears on stderr only.
""",
    fix_doc="""
**Check the exit code after `join()`**: check `p.exitcode` after `join()` and raise when it is non-zero (quick fix, unsafe: the script now
stops on a failed worker), or run the work through `concurrent.futures.ProcessPoolExecutor`, whose
`future.result()` re-raises the worker's exception in the parent with the child's traceback.
The quick fix is not offered after the program's own `terminate()`/`kill()` (the exit code is then
negative by design) nor after `join(timeout)` (the process may still be running).
""",
    check=check,
    name="exception-swallowed-in-process",
    severity=Severity.HINT,
    fix=Fixable.SOMETIMES,
)
