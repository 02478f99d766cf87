"""Fixes that move a callable to module level so that pickle can find it by name (MP201/202/206).

* a lambda becomes ``def _name(params): return body`` inserted above the top-level statement that
  holds it; captured variables of enclosing functions become keyword-only parameters bound with
  ``functools.partial`` at the lambda's position;
* a nested def moves to module level (captured variables bound the same way);
* a def under the ``__main__`` guard moves just above the guard.

All edits are libcst transformations keyed on node identity, so comments and formatting outside
the edited statements are untouched.
"""

from __future__ import annotations

import builtins
import keyword
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Union

import libcst as cst

from mpguard.semantic.kinds import BindingKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import is_main_guard_test
from mpguard.semantic.records import Scope

_BUILTINS = set(dir(builtins))
_BINDABLE_KINDS = {BindingKind.ASSIGN, BindingKind.PARAM, BindingKind.FOR, BindingKind.WITH, BindingKind.AUGASSIGN,
                   BindingKind.EXCEPT}


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------

def taken_names(model: ModuleModel) -> frozenset[str]:
    return model.facts.names.taken


def unique_name(model: ModuleModel, base: str) -> str:
    return model.facts.names.unique(base)


def module_name_free(model: ModuleModel, name: str) -> bool:
    """`name` can be defined at module level without shadowing or clobbering anything."""
    if name in _BUILTINS or keyword.iskeyword(name):
        return False
    if name in model.module_scope.bindings:
        return False
    for scope in model.scopes:
        if name in scope.loads and scope.lookup_scope(name) in (None, model.module_scope):
            return False
    return True


# --------------------------------------------------------------------------------------------
# what a moved callable needs
# --------------------------------------------------------------------------------------------

def scopes_within(model: ModuleModel, own: Scope) -> list[Scope]:
    return model._scopes_within(own)  # noqa: SLF001 - shared helper of the model


def guard_only_names(model: ModuleModel, own: Scope) -> list[str]:
    """Module-level names read inside `own` that are bound only under the `__main__` guard."""
    out: list[str] = []
    for s in scopes_within(model, own):
        for name in s.loads:
            target = s.lookup_scope(name)
            if target is not model.module_scope:
                continue
            bs = target.bindings.get(name, [])
            if bs and all(b.guarded for b in bs) and name not in out:
                out.append(name)
    return out


def uses_nonlocal_or_super(model: ModuleModel, own: Scope) -> bool:
    for s in scopes_within(model, own):
        if s.nonlocals or "super" in s.loads or "__class__" in s.loads:
            return True
    return False


def header_names(node: Union[cst.FunctionDef, cst.Lambda, cst.ClassDef]) -> list[str]:
    """Names read by the parts of a def evaluated where it is defined: decorators, defaults,
    annotations, class bases."""
    parts: list[cst.CSTNode] = []
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        parts.extend(d.decorator for d in node.decorators)
    if isinstance(node, cst.ClassDef):
        parts.extend(a.value for a in (*node.bases, *node.keywords))
    params = getattr(node, "params", None)
    if isinstance(params, cst.Parameters):
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        if isinstance(params.star_arg, cst.Param):
            every.append(params.star_arg)
        if params.star_kwarg is not None:
            every.append(params.star_kwarg)
        for p in every:
            if p.default is not None:
                parts.append(p.default)
            if p.annotation is not None:
                parts.append(p.annotation)
    if isinstance(node, cst.FunctionDef) and node.returns is not None:
        parts.append(node.returns)
    names: list[str] = []

    class V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            names.append(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)
            return False

        def visit_Lambda(self, n: cst.Lambda) -> bool:
            return False

    for part in parts:
        part.visit(V())
    return names


def header_problem(model: ModuleModel, node: cst.CSTNode, scope: Scope, leaving_guard: bool) -> bool:
    """True when the def's decorators/defaults/annotations need names that module level lacks."""
    for name in header_names(node):  # type: ignore[arg-type]
        target = scope.lookup_scope(name)
        if target is None:
            continue
        if target.kind != "module":
            return True
        if leaving_guard or scope.kind != "module":
            bs = target.bindings.get(name, [])
            if bs and all(b.guarded for b in bs):
                return True
    return False


def bindable(model: ModuleModel, name: str, target: Optional[Scope]) -> bool:
    """A captured variable that can be handed over with `functools.partial` (plain data, not a
    local function/class/module, which would be unpicklable itself)."""
    if target is None:
        return False
    bs = target.bindings.get(name, [])
    if not bs:
        return False
    for b in bs:
        if b.kind not in _BINDABLE_KINDS:
            return False
        if b.kind == "assign" and b.value is not None and b.scope is not None:
            v = model.resolve(b.value, b.scope, b.seq)
            if v.kind in ("lambda", "function", "class", "module", "method"):
                return False
    return True


# --------------------------------------------------------------------------------------------
# module edits
# --------------------------------------------------------------------------------------------

def comments_of_line(line: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
    """The comments above and after a statement line that a fix removes, to keep them with the
    code it moves."""
    comments = _comments_only(line.leading_lines)
    if line.trailing_whitespace.comment is not None:
        comments.append(cst.EmptyLine(comment=line.trailing_whitespace.comment))
    return comments


@dataclass(frozen=True)
class InsertTopLevel:
    """Top-level edit: insert `stmts` before the analysed module's `body[index]`, two blank lines
    around each."""

    index: int
    stmts: tuple[cst.BaseStatement, ...]

    def apply(self, module: cst.Module) -> cst.Module:
        return insert_at_module_level(module, self.index, self.stmts)


@dataclass(frozen=True)
class AddImport:
    """Top-level edit: the import statement `line` after the last top-level import above
    `body[before]`."""

    line: str
    before: int

    def apply(self, module: cst.Module) -> cst.Module:
        return add_import(module, self.line, self.before)


def _blank(n: int) -> list[cst.EmptyLine]:
    return [cst.EmptyLine() for _ in range(n)]


def _comments_only(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines minus the blank ones at the start (comments keep their relative order)."""
    out = list(lines)
    while out and out[0].comment is None:
        out.pop(0)
    return [ln.with_changes(indent=True) if ln.comment is not None else ln.with_changes(indent=False)
            for ln in out]


def _with_blank_before(stmt: cst.BaseStatement, n: int) -> cst.BaseStatement:
    lines = list(getattr(stmt, "leading_lines", ()))
    blanks = 0
    for ln in lines:
        if ln.comment is None:
            blanks += 1
        else:
            break
    if blanks >= n:
        return stmt
    return stmt.with_changes(leading_lines=[*_blank(n - blanks), *lines])  # type: ignore[attr-defined]


def insert_at_module_level(module: cst.Module, index: int, stmts: Iterable[cst.BaseStatement]) -> cst.Module:
    """Insert top-level statements before `module.body[index]`, two blank lines around each."""
    body = list(module.body)
    new = []
    for stmt in stmts:
        comments = _comments_only(getattr(stmt, "leading_lines", ()))
        stmt = stmt.with_changes(leading_lines=[*(_blank(2) if index > 0 or new else []), *comments])  # type: ignore[attr-defined]
        new.append(stmt)
    if index < len(body):
        body[index] = _with_blank_before(body[index], 2)
    body[index:index] = new
    return module.with_changes(body=body)


def partial_callee(model: ModuleModel) -> tuple[str, bool]:
    """How module-level code spells `functools.partial`, and whether `import functools` must be
    added."""
    scope = model.module_scope
    for name, bs in scope.bindings.items():
        if len(bs) == 1 and bs[0].kind == "import" and not bs[0].guarded and bs[0].qualname == "functools.partial":
            return name, False
    for name, bs in scope.bindings.items():
        if len(bs) == 1 and bs[0].kind == "import" and not bs[0].guarded and bs[0].qualname == "functools":
            return f"{name}.partial", False
    bs = model.module_scope.bindings.get("functools", [])
    has_module = bool(bs) and all(b.kind == "import" and b.qualname == "functools" and not b.guarded for b in bs)
    return "functools.partial", not has_module


def add_import(module: cst.Module, line: str, before: int) -> cst.Module:
    """Add `line` (an import statement) after the last top-level import above `before`."""
    body = list(module.body)
    stmt = cst.parse_statement(line + "\n")
    pos = None
    for i, s in enumerate(body[:before]):
        if isinstance(s, cst.SimpleStatementLine) and all(
                isinstance(x, (cst.Import, cst.ImportFrom)) for x in s.body):
            pos = i + 1
    if pos is None:
        pos = 0
        if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr) \
                and isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            pos = 1
        if pos < len(body):
            body[pos] = _with_blank_before(body[pos], 1)
    body.insert(pos, stmt)
    return module.with_changes(body=body)


def partial_call(callee: str, func: str, names: Sequence[Union[str, tuple[str, str]]]) -> cst.Call:
    """`callee(func, a=a, b=<expr>)`; items are names, or (keyword, expression text) pairs."""
    args = ", ".join(f"{n}={n}" if isinstance(n, str) else f"{n[0]}={n[1]}" for n in names)
    return cst.parse_expression(f"{callee}({func}, {args})")  # type: ignore[return-value]


def add_kwonly(params: cst.Parameters, names: Sequence[str]) -> cst.Parameters:
    if not names:
        return params
    new = [cst.Param(cst.Name(n)) for n in names]
    star = params.star_arg
    if isinstance(star, cst.MaybeSentinel):
        star = cst.ParamStar()
    return params.with_changes(kwonly_params=[*params.kwonly_params, *new], star_arg=star)


def lambda_as_def(module: cst.Module, lam: cst.Lambda, name: str, extra: Sequence[str]) -> cst.FunctionDef:
    params = module.code_for_node(add_kwonly(lam.params, extra)).strip()
    body = module.code_for_node(lam.body).strip()
    if "\n" in body and not getattr(lam.body, "lpar", ()):
        body = f"({body})"
    stmt = cst.parse_statement(f"def {name}({params}):\n    return {body}\n")
    assert isinstance(stmt, cst.FunctionDef)
    return stmt


def top_index_of(model: ModuleModel, node: cst.CSTNode) -> int:
    return model.node_top.get(id(node), -1)


def is_guard(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.If) and is_main_guard_test(stmt.test)
