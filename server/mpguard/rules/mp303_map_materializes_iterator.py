"""MP303 map-materializes-iterator: `Pool.map`/`starmap` (and `ProcessPoolExecutor.map`) turn a
lazy or unbounded iterable into a list before the first task is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch, iterables
from mpguard.facts.futures import _call_of_arg
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name, get_arg, has_keyword
from mpguard.semantic.records import FunctionInfo, Scope
from mpguard.semantic.walk import node_contains, owning_loop, walk_frame

MATERIALIZING = {
    DispatchApi.POOL_MAP, DispatchApi.POOL_STARMAP, DispatchApi.POOL_MAP_ASYNC,
    DispatchApi.POOL_STARMAP_ASYNC, DispatchApi.EXECUTOR_MAP,
}

# Lazy sources: qualified callable -> how the message names them.
LAZY_CALLS = {
    "csv.reader": "a `csv.reader` (rows read lazily from the file)",
    "csv.DictReader": "a `csv.DictReader` (rows read lazily from the file)",
    "os.walk": "an `os.walk()` generator",
    "glob.iglob": "a `glob.iglob()` iterator",
    "fileinput.input": "a `fileinput.input()` iterator (lines read lazily)",
}
LAZY_REFS = {"sys.stdin": "`sys.stdin` (lines read until end of input)"}
DATAFRAME_GENERATORS = {"iterrows", "itertuples"}
# Wrappers whose result is lazy when the wrapped iterable is: (bounded when... ) see _wrapped.
ALL_OF = {"zip", "map", "itertools.starmap"}  # stops at the shortest input
FIRST_OF = {"filter", "enumerate", "iter", "reversed", "itertools.filterfalse", "itertools.accumulate",
            "itertools.pairwise", "itertools.batched", "itertools.groupby", "itertools.dropwhile"}
ANY_OF = {"itertools.chain", "itertools.zip_longest"}


@dataclass(frozen=True)
class Lazy:
    what: str  # "a generator expression", ...
    unbounded: bool
    origin: cst.CSTNode  # where the iterator is created


def _builtin(model: ModuleModel, func: cst.BaseExpression, scope: Scope, seq: int) -> Optional[str]:
    if isinstance(func, cst.Name) and model.binding_before(func.value, scope, seq) is None:
        return func.value
    return None


def _qualname(model: ModuleModel, func: cst.BaseExpression, scope: Scope, seq: int) -> Optional[str]:
    b = _builtin(model, func, scope, seq)
    if b is not None:
        return b
    return model.library_name(func, scope, seq)


def _positional(call: cst.Call) -> Optional[list[cst.BaseExpression]]:
    out = []
    for a in call.args:
        if a.star:
            return None
        if a.keyword is None:
            out.append(a.value)
    return out


def lazy_iterable(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int,
                  depth: int = 0) -> Optional[Lazy]:
    """What lazy iterator `expr` is (None: a sized container, or not known)."""
    if depth > 6:
        return None
    if isinstance(expr, cst.GeneratorExp):
        src = lazy_iterable(model, expr.for_in.iter, scope, seq, depth + 1)
        return Lazy("a generator expression", bool(src and src.unbounded), expr)
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is None or b.value is None or b.scope is None or b.unpack_index is not None:
            return None
        if b.kind not in ("assign", "with"):
            return None
        return lazy_iterable(model, b.value, b.scope, b.seq, depth + 1)
    if isinstance(expr, cst.Attribute):
        v = model.resolve(expr, scope, seq)
        if v.kind == ValueKind.REF and v.qualname in LAZY_REFS:
            return Lazy(LAZY_REFS[v.qualname], False, expr)
        return _by_value(model, expr, scope, seq)
    if isinstance(expr, cst.Call):
        return _lazy_call(model, expr, scope, seq, depth)
    return None


def _by_value(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int) -> Optional[Lazy]:
    v = model.resolve(expr, scope, seq)
    if v.is_type("generator"):
        f = v.function
        if f is not None:
            return Lazy(f"a generator (`{f.name}` is a generator function)", infinite_generator(f), v.node or expr)
        return Lazy("a generator", False, v.node or expr)
    if v.is_type("file"):
        return Lazy("an open file (iterated line by line)", False, v.node or expr)
    return None


def _lazy_call(model: ModuleModel, call: cst.Call, scope: Scope, seq: int, depth: int) -> Optional[Lazy]:
    name = _qualname(model, call.func, scope, seq)
    args = _positional(call)
    if name is not None:
        if name in LAZY_CALLS:
            return Lazy(LAZY_CALLS[name], False, call)
        if name == "itertools.count":
            return Lazy("`itertools.count()` (an endless counter)", True, call)
        if name == "itertools.cycle":
            return Lazy("`itertools.cycle()` (it repeats forever)", True, call)
        if name == "itertools.repeat":
            if args is not None and len(args) == 1 and not has_keyword(call, "times"):
                return Lazy("`itertools.repeat(x)` without `times` (it repeats forever)", True, call)
            return None
        if name == "iter" and args is not None and len(args) == 2:
            return Lazy("an `iter(callable, sentinel)` iterator (it runs until the sentinel)", False, call)
        if args is None:
            return None
        if name == "itertools.islice":
            if not args:
                return None
            src = lazy_iterable(model, args[0], scope, seq, depth + 1)
            if src is None or src.unbounded:
                return None  # islice(count(), n) is just a range
            return Lazy(src.what, False, src.origin)
        if name == "itertools.takewhile" and len(args) == 2:
            src = lazy_iterable(model, args[1], scope, seq, depth + 1)
            return Lazy(src.what, False, src.origin) if src is not None else None
        if name == "itertools.compress" and args:
            return lazy_iterable(model, args[0], scope, seq, depth + 1)
        if name in ALL_OF or name in FIRST_OF or name in ANY_OF or name == "itertools.chain.from_iterable":
            its = args[1:] if name in ("map", "filter", "itertools.starmap", "itertools.filterfalse",
                                       "itertools.dropwhile") else args
            if name in FIRST_OF or name == "itertools.chain.from_iterable":
                its = its[:1]
            if not its:
                return None
            got = [lazy_iterable(model, a, scope, seq, depth + 1) for a in its]
            if name in ALL_OF:
                # zip(items, repeat(cfg)) stops with `items`: lazy only when every input is.
                if any(g is None for g in got):
                    return None
                return Lazy(got[0].what, all(g.unbounded for g in got), got[0].origin)  # type: ignore[union-attr]
            real = [g for g in got if g is not None]
            if not real:
                return None
            if name == "itertools.chain.from_iterable":
                return Lazy(real[0].what, False, real[0].origin)
            return Lazy(real[0].what, any(g.unbounded for g in real), real[0].origin)
    # Local generator functions (and methods), factories returning generators, open files.
    func = model.resolve(call.func, scope, seq)
    if func.kind in (ValueKind.FUNCTION, ValueKind.METHOD) and func.function is not None:
        f = func.function
        if f.is_generator and not f.is_async:
            return Lazy(f"a generator (`{f.name}` is a generator function)", infinite_generator(f), call)
    if isinstance(call.func, cst.Attribute):
        meth = call.func.attr.value
        if meth in DATAFRAME_GENERATORS:
            recv = model.resolve(call.func.value, scope, seq)
            if recv.is_type("dataframe"):
                return Lazy(f"a generator (`DataFrame.{meth}()`)", False, call)
    return _by_value(model, call, scope, seq)


def infinite_generator(f: FunctionInfo) -> bool:
    """A generator function built around `while True:` that yields and never breaks out or returns."""
    loops: list[cst.While] = []
    returns = False
    for node in walk_frame(f.node.body):
        if isinstance(node, cst.Return):
            returns = True
        if isinstance(node, cst.While) and _always_true(node.test):
            loops.append(node)
    if returns:
        return False
    for loop in loops:
        yields = breaks = False
        for node in walk_frame(loop.body):
            if isinstance(node, cst.Yield):
                yields = True
            if isinstance(node, (cst.Break, cst.Raise)) and owning_loop(loop, node) is loop:
                breaks = True
        if yields and not breaks:
            return True
    return False


def _always_true(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    if isinstance(test, cst.Integer):
        return test.value not in ("0",)
    return False


# ---- check ---------------------------------------------------------------------------------

def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if d.api not in MATERIALIZING or not d.is_process:
            continue
        call = d.site.node
        if d.api == DispatchApi.EXECUTOR_MAP and has_keyword(call, "buffersize"):
            continue  # Python 3.14: submits at most `buffersize` tasks ahead
        its = iterables(d)
        if not its or any(a.star for a in its):
            continue
        site = d.site
        found = [lazy_iterable(model, a.value, site.scope, site.seq) for a in its]
        if d.api == DispatchApi.EXECUTOR_MAP:
            # Several iterables are zipped: lazy only when all are (zip stops at the shortest).
            if any(f is None for f in found):
                continue
            lazy = Lazy(found[0].what, all(f.unbounded for f in found), found[0].origin)  # type: ignore[union-attr]
        else:
            if found[0] is None:
                continue
            lazy = found[0]
        ctx.report(call, _message(d, lazy), fixes=_fixes(ctx, d, lazy),
                   related=[] if lazy.origin is its[0].value or node_contains(its[0].value, lazy.origin)
                   else [(lazy.origin, "the lazy iterable is created here")])


def _message(d: Dispatch, lazy: Lazy) -> str:
    callee = dotted_name(d.site.node.func) or d.method
    # The most detailed description of the iterable that keeps the message within 100 characters.
    for what in (lazy.what, lazy.what.split(" (")[0], "its lazy iterable"):
        if lazy.unbounded:
            message = f"`{callee}(...)` reads all of {what} first and never ends"
        else:
            message = f"`{callee}(...)` reads all of {what} into memory first"
        if len(message) <= 100:
            break
    return message
# ---- fix -----------------------------------------------------------------------------------

def _fixes(ctx: RuleContext, d: Dispatch, lazy: Lazy) -> list:
    """`pool.map(f, gen)` -> `pool.imap(f, gen, chunksize=32)` when the result is only iterated or
    wrapped in `list(...)` (the same values in the same order)."""
    if d.api != DispatchApi.POOL_MAP:
        return []
    model = ctx.model
    site = d.site
    call = site.node
    if not isinstance(call.func, cst.Attribute):
        return []
    if any(a.star for a in call.args) or get_arg(call, "iterable", 1) is None:
        return []
    parent = site.parent
    iterated = isinstance(parent, cst.For) and parent.iter is call
    iterated = iterated or isinstance(parent, cst.CompFor) and parent.iter is call
    wrapped = False
    if isinstance(parent, cst.Arg) and parent.value is call and parent.keyword is None and not parent.star:
        outer = model.parents.get(id(parent))
        if outer is None:
            # Arg parents are not recorded: find the enclosing call among the module's calls.
            outer_site = _call_of_arg(model, parent)
            outer = outer_site.node if outer_site is not None else None
            scope_seq = (outer_site.scope, outer_site.seq) if outer_site is not None else None
        else:
            scope_seq = (site.scope, site.seq)
        if isinstance(outer, cst.Call) and len(outer.args) == 1 and scope_seq is not None:
            wrapped = _builtin(model, outer.func, *scope_seq) in ("list", "tuple")
    if not (iterated or wrapped):
        return []
    if lazy.unbounded and not iterated:
        return []  # list(imap(...)) over an endless iterator still never returns
    chunk = get_arg(call, "chunksize", 2)

    def rewrite(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.Call) and isinstance(updated.func, cst.Attribute)
        new = updated.with_changes(func=updated.func.with_changes(attr=cst.Name("imap")))
        if chunk is None:
            args = list(new.args)
            last = args[-1]
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(cst.Arg(
                value=cst.Integer("32"), keyword=cst.Name("chunksize"),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                      whitespace_after=cst.SimpleWhitespace("")),
                comma=last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT))
            new = new.with_changes(args=args)
        return new

    edit = MultiEdit().replace_node(call, rewrite)
    return [ctx.fix("Use `imap` with a chunksize", Safety.UNSAFE, edit, preferred=True)]


RULE = Rule(
    code="MP303",
    summary="`Pool.map`/`starmap` (or `ProcessPoolExecutor.map`) over a generator or other lazy/unbounded "
            "iterator turns it into a list before any work starts.",
    why="""
`Pool.map`, `starmap`, `map_async` and `starmap_async` call `list()` on their iterable (to compute a
chunksize) before sending the first task, and `ProcessPoolExecutor.map` submits every item as soon
as it is called (unless Python 3.14's `buffersize=` is given). A generator, an open file, a
`csv.reader` or another lazy iterator is therefore read completely into the parent's memory before
any worker starts, and results come back only at the end. Over an endless iterator
(`itertools.count()`, `cycle()`, `repeat(x)`, a `while True:` generator) the list is never finished:
no work ever starts and the program hangs while memory grows.

Nothing raises: the symptom is memory growth and a late (or, for an endless iterator, no) start.
The same holds under every start method and platform.
""",
    fix_doc="""
Use `pool.imap(f, items, chunksize=...)` (ordered) or `imap_unordered` (as completed): items are
pulled from the iterator as the workers need them (back-pressured by the task pipe), and results
stream back. Stop an endless source with `itertools.islice`. With `ProcessPoolExecutor`, submit in
bounded batches or pass `buffersize=` (Python 3.14+). The quick fix **Use `imap` with a chunksize**
(unsafe: exceptions surface when the failing item is reached) rewrites `pool.map(f, gen)` to `pool.imap(f, gen, chunksize=32)` when
its result is only iterated or wrapped in `list(...)`.

For `starmap`, the worker passed to `imap` must unpack the argument tuple itself.
""",
    check=check,
    name="map-materializes-iterator",
    severity=Severity.INFO,
    fix=Fixable.SOMETIMES,
)
