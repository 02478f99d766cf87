"""Rules are declared metadata + detection over shared facts (docs/architecture.md). An AST scan of
every rule module holds them to it:

* no rule imports another rule (a helper two rules need lives in `mpguard.facts`);
* no rule walks `.children` (walkers live in `mpguard.semantic.walk`) or touches `__dict__`;
* no rule writes to the model (`model.x = ...`);
* no start-method, object-type or dispatch-API string literal in detection code: rules name the
  enum members (`StartMethod.FORK`, `ObjectType.POOL`), so a typo fails at import, not silently.
  Docs, examples and messages (the `RULE = Rule(...)` block, f-strings) are text and exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mpguard.semantic.kinds import DispatchApi, ObjectType, StartMethod

RULES_DIR = Path(__file__).resolve().parents[1] / "server" / "mpguard" / "rules"
RULE_FILES = sorted(RULES_DIR.glob("mp*.py"))

# Words that are also plain English or Python names ("file", "str", "dict") are not held here;
# the dotted and capitalised type names and every start method and dispatch API are.
FORBIDDEN_LITERALS = (
    {m.value for m in StartMethod.members()}
    | {t.value for t in ObjectType.members() if "." in t.value or t.value[:1].isupper()}
    | {a.value for a in DispatchApi.members() if "." in a.value}
)


def _exempt_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes inside the RULE declaration, the module docstring and f-strings."""
    exempt: set[int] = set()
    roots: list[ast.AST] = []
    if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant):
        roots.append(tree.body[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "RULE" for t in node.targets):
            roots.append(node)
        if isinstance(node, ast.JoinedStr):
            roots.append(node)
    for root in roots:
        exempt.update(id(n) for n in ast.walk(root))
    return exempt


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _exempt_nodes(tree)
    out: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mpguard.rules."):
            out.append(f"{where}: imports another rule ({node.module})")
        if isinstance(node, ast.Import):
            out += [f"{where}: imports another rule ({a.name})" for a in node.names
                    if a.name.startswith("mpguard.rules.")]
        if isinstance(node, ast.Attribute) and node.attr in ("children", "__dict__"):
            out.append(f"{where}: `.{node.attr}` (use mpguard.semantic.walk / mpguard.facts)")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "model":
                    out.append(f"{where}: writes to the model (model.{t.attr})")
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt
                and node.value in FORBIDDEN_LITERALS):
            out.append(f"{where}: string literal {node.value!r} (name the enum member)")
    return out


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem[:5].upper() for p in RULE_FILES])
def test_rule_module_hygiene(path: Path) -> None:
    assert _problems(path) == []


def test_the_scan_catches_each_kind_of_problem(tmp_path: Path) -> None:
    bad = tmp_path / "mp999_bad.py"
    bad.write_text(
        "from mpguard.rules.mp203_unpicklable_argument import classify\n"
        "def check(ctx):\n"
        "    model = ctx.model\n"
        "    model.cache = {}\n"
        "    for n in ctx.model.module.children:\n"
        "        pass\n"
        "    if ctx.start_method == 'fork' or v.qualname == 'mp.Pool':\n"
        "        ctx.report(n, f'under fork {n}')\n"
        "RULE = Rule(code='MP999', why='under `fork` ...')\n"
    )
    assert _problems(bad) == [
        "mp999_bad.py:1: imports another rule (mpguard.rules.mp203_unpicklable_argument)",
        "mp999_bad.py:4: writes to the model (model.cache)",
        "mp999_bad.py:5: `.children` (use mpguard.semantic.walk / mpguard.facts)",
        "mp999_bad.py:7: string literal 'fork' (name the enum member)",
        "mp999_bad.py:7: string literal 'mp.Pool' (name the enum member)",
    ]
