"""MP506 connection-inherited-by-fork: a DB connection / network client created in the parent is
used by fork workers, which all share its socket."""

from __future__ import annotations

import libcst as cst

from mpguard.facts.frames import process_workers
from mpguard.facts.pickling import constructor_qualname, inherited_payload
from mpguard.rules import Applies, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import Binding, Use, Value, frame_of

KINDS = {
    "sqlite3": "SQLite connection",
    "psycopg2": "PostgreSQL connection",
    "psycopg": "PostgreSQL connection",
    "pymysql": "MySQL connection",
    "MySQLdb": "MySQL connection",
    "mysql": "MySQL connection",
    "pyodbc": "ODBC connection",
    "cx_Oracle": "Oracle connection",
    "oracledb": "Oracle connection",
    "sqlalchemy": "SQLAlchemy engine",
    "redis": "Redis client",
    "pymongo": "MongoDB client",
    "requests": "`requests.Session`",
    "httpx": "`httpx.Client`",
    "boto3": "boto3 client",
}
RESETS = {"dispose", "close"}


def _root(model: ModuleModel, v: Value) -> str:
    return (constructor_qualname(model, v) or "").split(".", 1)[0]


def _reads(model: ModuleModel, f, name: str) -> list[Use]:
    out = []
    for s in model.scopes:
        if frame_of(s) is not f.scope:
            continue
        for use in s.loads.get(name, []):
            target = s.lookup_scope(name)
            if target is not None and target.kind == "module":
                out.append(use)
    return out


def _reset_in(model: ModuleModel, uses: list[Use]) -> bool:
    """`engine.dispose()` / `conn.close()` in child-side code: the child drops the inherited pool."""
    for use in uses:
        parent = model.parents.get(id(use.node))
        if isinstance(parent, cst.Attribute) and parent.value is use.node and parent.attr.value in RESETS:
            return True
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    runs = process_workers(model, roles=("task", "target"))
    inits = process_workers(model, roles=("initializer",))
    fork_runs = [r for r in runs if ctx.applies_under(model.start_method_of(r.dispatch.receiver))]
    children: set[int] = set()
    for r in (*runs, *inits):
        children.update(id(f) for f in r.reach)
    reported: set[int] = set()

    if fork_runs:
        for name, bindings in model.module_scope.bindings.items():
            conns: list[tuple[Binding, Value]] = []
            in_child = False
            for b in bindings:
                f = b.scope.function if b.scope is not None and b.scope is not model.module_scope else None
                if f is not None and id(f) in children:
                    in_child = True  # created in the worker / initializer: one per child
                    break
                if b.kind != "assign":
                    continue
                v = model.value_of_binding(b)
                if v.is_type("connection") and isinstance(v.node, cst.Call):
                    conns.append((b, v))
            if in_child or not conns:
                continue
            init_uses = [u for r in inits for f in r.reach for u in _reads(model, f, name)]
            if _reset_in(model, init_uses):
                continue
            for run in fork_runs:
                use = next((u for f in run.reach for u in _reads(model, f, name)), None)
                if use is None or _reset_in(model, [u for f in run.reach for u in _reads(model, f, name)]):
                    continue
                b, v = conns[0]
                if id(v.node) in reported:
                    break
                reported.add(id(v.node))
                where = "at module level" if b.scope is model.module_scope and not b.guarded else "in the parent"
                _report(ctx, v, f"`{name}`", where, use.node, run)
                break

    # handed to a fork Process / initializer as an argument: inherited the same way
    for d in model.iter_process_dispatches():
        if not d.is_process or d.api not in ("process", DispatchApi.POOL_INIT, DispatchApi.EXECUTOR_INIT):
            continue
        if not ctx.applies_under(model.start_method_of(d.receiver)):
            continue
        for expr in inherited_payload(model, d):
            v = model.resolve(expr, d.site.scope, d.site.seq)
            if not v.is_type("connection") or not isinstance(v.node, cst.Call) or id(v.node) in reported:
                continue
            if frame_of(d.site.scope).function is not None and id(frame_of(d.site.scope).function) in children:
                continue
            reported.add(id(v.node))
            label = f"`{expr.value}`" if isinstance(expr, cst.Name) else "This connection"
            _report(ctx, v, label, "in the parent", expr, None)


def _report(ctx: RuleContext, v: Value, label: str, where: str, use_node: cst.CSTNode, run) -> None:
    model = ctx.model
    root = _root(model, v)
    what = KINDS.get(root, "connection")
    message = f"{label}, a {what} created {where}, is used by several `fork` children at once"
    related = [(use_node, "used by the forked worker here")]
    ctx.report(v.node, message, related=related)


RULE = Rule(
    code="MP506",
    summary="A DB connection / network client created in the parent is used by `fork` workers.",
    why="""
Under the `fork` start method a child process starts as a copy of the parent, including every open
socket and file descriptor. A database connection, SQLAlchemy engine pool, Redis/Mongo client or
HTTP session created at module level or in the parent before the pool forks is therefore shared by
all children: their requests go over one socket and the replies are read by whichever process
happens to read first - wrong or truncated results, protocol errors such as psycopg2's
`SSL error: decryption failed or bad record mac`, "server closed the connection unexpectedly",
and for SQLite a possibly corrupted database file. (Under spawn/forkserver the object is not
inherited at all; there MP103/MP203 apply instead.)

Not reported: connections created inside the worker or in the pool's `initializer`, engines the
initializer `dispose()`s, and spawn/forkserver processes.

Symptoms by library: SQLite - `database is locked`, `database disk image is malformed`, a corrupted
file; PostgreSQL (psycopg2/psycopg) and SQLAlchemy engines - `SSL error: decryption failed or bad
record mac`, `server closed the connection unexpectedly`, results of another process's query;
pooled HTTP/Redis/Mongo clients - a process reads another one's reply, or a truncated one, and the
connection breaks with protocol errors.
""",
    fix_doc="""
Create the connection in each child: inside the worker, or once per worker process in an
`initializer` that stores it in a module global. For SQLAlchemy, call `engine.dispose(close=False)`
in the initializer so each child opens its own pooled connections.
""",
    check=check,
    name="connection-inherited-by-fork",
    severity=Severity.WARNING,
    applies=Applies.forked_children(),
)
