"""MP204 interactive-main-worker: a worker defined in a notebook cell (the interactive `__main__`)
is used by a spawned process pool / process; the children cannot import it."""

from __future__ import annotations

import re

import libcst as cst

from mpguard.facts.pickling import api_text, iter_workers
from mpguard.rules import Applies, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind


CELL_MARKER = re.compile(r"#\s?%%(\s|$)")


def _in_notebook(ctx: RuleContext) -> bool:
    path = ctx.model.path
    return bool(path) and str(path).lower().endswith(".ipynb")


def _calls_get_ipython(ctx: RuleContext) -> bool:
    """Top-level code calls IPython's builtin `get_ipython()` (not imported or defined here): the
    module only runs inside IPython/Jupyter (e.g. a notebook exported with `nbconvert --to script`)."""
    model = ctx.model
    for site in model.calls:
        func = site.node.func
        if (site.function is None and isinstance(func, cst.Name) and func.value == "get_ipython"
                and model.binding_before("get_ipython", site.scope, site.seq) is None):
            return True
    return False


def _has_cell_markers(ctx: RuleContext) -> bool:
    """A `.py` file written as cells (`# %%` markers, run cell by cell in VS Code's or Spyder's
    interactive window, where the file's functions live in the interactive `__main__`). A marker
    is `# %%` alone or followed by a space (`# %% [markdown]`); `# %%time` is a commented-out
    cell magic, as an exported notebook has them."""
    return any(CELL_MARKER.match(line) for line in ctx.model.text.splitlines())


def check(ctx: RuleContext) -> None:
    if _in_notebook(ctx):
        where = "in a notebook cell"
    elif _calls_get_ipython(ctx):
        where = "in IPython/Jupyter code"
    elif _has_cell_markers(ctx):
        where = "in a `# %%` cell"
    else:
        return
    model = ctx.model
    reported: set[int] = set()
    for w in iter_workers(model):
        d = w.dispatch
        method = model.start_method_of(d.receiver)
        if not ctx.applies_under(method):
            continue  # fork children inherit the notebook's __main__
        node = d.worker.value  # type: ignore[union-attr]
        if id(node) in reported:
            continue
        v = w.value
        name = None
        defined = None
        if v.kind == "function" and v.function is not None:
            f = v.function
            if f.is_module_level and not f.guarded:  # nested: MP202; under the guard: MP206
                name, defined = f.name, f.node.name
        elif v.kind in (ValueKind.CLASS, ValueKind.INSTANCE, ValueKind.METHOD) and v.class_info is not None:
            c = v.class_info
            if c.is_module_level and not c.guarded and not v.is_type(ObjectType.PROCESS):
                name, defined = c.name, c.node.name
        if name is None:
            continue
        reported.add(id(node))
        ctx.report(
            node,
            f"`{name}` is defined {where}, so {api_text(d)} workers cannot import it under `{method}`",
            related=[(defined, "defined in the notebook here")],
        )


RULE = Rule(
    code="MP204",
    summary="A worker defined in a notebook (interactive `__main__`) is sent to spawned processes, "
            "which cannot import it.",
    why="""
Functions and classes are pickled by reference: `module.qualname`. A function defined in a Jupyter
notebook (or typed into the REPL) lives in the interactive `__main__` module, which has no file a
spawned child could import. Under `spawn`/`forkserver` (the default on Windows, macOS and, from
Python 3.14, Linux) every worker fails with
`AttributeError: Can't get attribute 'f' on <module '__main__' (built-in)>`; a `Pool` keeps
respawning the crashing workers and the notebook appears to hang. The `__main__` guard does not help:
in a notebook `__name__` is always `"__main__"`.

mpguard checks `.ipynb` files with `mpguard check`; this rule only runs on notebooks, on Python
files whose top-level code calls IPython's `get_ipython()` (notebooks exported as scripts), and on
`.py` files written as cells (`# %%` markers): run as a script they work, but run cell by cell in
VS Code's, PyCharm's or Spyder's interactive window their functions live in the interactive
`__main__`, guarded or not.

The error, by Python version (checked by running the failing case on CPython 3.10-3.13, the worker defined in code run with `python -c`, which
like a notebook has no file):

- 3.10, 3.11: `AttributeError: Can't get attribute 'square' on <module '__main__' (built-in)>`
- 3.12, 3.13: `AttributeError: Can't get attribute 'square' on <module '__main__'
  (<class '_frozen_importlib.BuiltinImporter'>)>`
""",
    fix_doc="""
Put the worker into a module next to the notebook (`workers.py`) and `from workers import f`, or,
on Linux only, use `multiprocessing.get_context("fork")`.
""",
    check=check,
    name="interactive-main-worker",
    severity=Severity.WARNING,
    applies=Applies.spawned_children(),
    crash_class=True,
)
