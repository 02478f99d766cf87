"""MP211 interpreter-pool-incompatible: `InterpreterPoolExecutor` (3.14) workers that need an
extension module which cannot be loaded in a subinterpreter (numpy, pandas, torch, pyarrow, ...)."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from mpguard.facts.target import configured_target
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import get_arg
from mpguard.semantic.records import CallSite, FunctionInfo

EXECUTOR = ObjectType.INTERPRETER_POOL_EXECUTOR
FIRST_VERSION = (3, 14)
# Extension modules that refuse to load in a subinterpreter (single-phase init, or PyO3, which
# does not support subinterpreters), and libraries built on them.
INCOMPATIBLE = frozenset({
    "numpy", "pandas", "scipy", "sklearn", "torch", "tensorflow", "jax", "pyarrow", "polars",
    "numba", "cv2", "matplotlib", "pydantic", "pydantic_core", "orjson", "lxml",
})
DISPATCH_METHODS = {"submit": "fn", "map": "fn"}


def _executor_calls(model: ModuleModel) -> set[int]:
    return {id(site.node) for site in model.calls
            if (v := model.resolve(site.node.func, site.scope, site.seq)).kind == ValueKind.REF
            and v.qualname == EXECUTOR}


def _dispatches(model: ModuleModel, executors: set[int]) -> Iterator[tuple[CallSite, cst.Arg]]:
    """(site, worker argument) of `ex.submit(fn, ...)` / `ex.map(fn, ...)` on an executor bound
    by `with InterpreterPoolExecutor() as ex` or `ex = InterpreterPoolExecutor()`, and of the
    constructor's `initializer=`."""
    for site in model.calls:
        func = site.node.func
        if id(site.node) in executors:
            init = get_arg(site.node, "initializer", 2)
            if init is not None:
                yield site, init
            continue
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.attr.value in DISPATCH_METHODS):
            continue
        b = model.binding_before(func.value.value, site.scope, site.seq)
        if b is None or b.kind not in ("assign", "with") or id(b.value) not in executors:
            continue
        worker = get_arg(site.node, DISPATCH_METHODS[func.attr.value], 0)
        if worker is not None:
            yield site, worker


def _root(qualname: Optional[str]) -> str:
    return (qualname or "").split(".", 1)[0]


def _module_level_import(model: ModuleModel) -> Optional[str]:
    """An incompatible module imported at import time: each interpreter imports this module to
    unpickle the worker by reference, so the import runs there too."""
    for bindings in model.module_scope.bindings.values():
        for b in bindings:
            if b.kind == "import" and b.toplevel and not b.guarded and _root(b.qualname) in INCOMPATIBLE:
                return _root(b.qualname)
    return None


def _imported_by(model: ModuleModel, worker: FunctionInfo) -> Optional[str]:
    for f in model.transitive_callees(worker):
        for scope in model.facts.frames.scopes_by_function.get(id(f), []):
            for bindings in scope.bindings.values():
                for b in bindings:
                    if b.kind == "import" and _root(b.qualname) in INCOMPATIBLE:
                        return _root(b.qualname)
    return None


def _shipped_array(model: ModuleModel, site: CallSite, worker: cst.Arg) -> Optional[str]:
    for arg in site.node.args:
        if arg is worker or arg.keyword is not None:
            continue
        v = model.resolve(arg.value, site.scope, site.seq)
        if v.is_type(ObjectType.NDARRAY):
            return "numpy"
        if v.is_type(ObjectType.DATAFRAME):
            return "pandas"
    return None


def check(ctx: RuleContext) -> None:
    target = configured_target(ctx.config)
    if target is not None and target < FIRST_VERSION:
        return
    model = ctx.model
    executors = _executor_calls(model)
    if not executors:
        return
    at_import = _module_level_import(model)
    for site, worker in _dispatches(model, executors):
        v = model.resolve(worker.value, site.scope, site.seq)
        module: Optional[str] = None
        if v.kind == ValueKind.FUNCTION and v.function is not None:
            module = at_import or _imported_by(model, v.function)
        module = module or _shipped_array(model, site, worker)
        if module is None:
            continue
        ctx.report(worker.value, f"`{module}` cannot be loaded in `InterpreterPoolExecutor` subinterpreters; "
                                 "use `ProcessPoolExecutor`")


RULE = Rule(
    code="MP211",
    summary="`InterpreterPoolExecutor` workers that need numpy, pandas, torch, pyarrow or another "
            "extension module that cannot be loaded in a subinterpreter.",
    why="""
`concurrent.futures.InterpreterPoolExecutor` (new in Python 3.14) runs each task in a
subinterpreter of the same process. A subinterpreter can only load extension modules that declare
multi-phase initialisation with per-interpreter state; numpy does not (and everything built on
it: pandas, scipy, scikit-learn, torch, matplotlib), nor do PyO3 extensions (polars, orjson,
pydantic-core). The worker is sent by reference, so each interpreter imports the module that
defines it, including that module's top-level `import numpy`; an array or DataFrame sent as an
argument needs numpy to be unpickled there.

The task fails with an `ImportError` raised in the interpreter, e.g.
`ImportError: module numpy._core._multiarray_umath does not support loading in subinterpreters`
(text from CPython's `Python/import.c`, which raises
`module %s does not support loading in subinterpreters`; numpy adds its own message in its
`_multiarray_umath` init), and objects that cannot be shared raise
`concurrent.interpreters.NotShareableError`. Python 3.14 is not installed here, so the failure is
documented from those sources, not run.

Only for target versions 3.14 and later: with `target-version` configured below 3.14 the rule is
silent (the executor does not exist there).
""",
    fix_doc="""
Use `ProcessPoolExecutor` for work that needs these libraries; keep `InterpreterPoolExecutor`
for pure-Python workers in modules that do not import them at the top.
""",
    check=check,
    name="interpreter-pool-incompatible",
    severity=Severity.WARNING,
    crash_class=True,
)
