"""Scope and binding kinds are closed vocabularies (semantic/kinds.py), like start methods and
object types: the model records only members, so a rule comparing against a member cannot miss a
kind through a typo, and a new kind is added to the vocabulary first."""

from __future__ import annotations

from pathlib import Path

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.semantic.kinds import BindingKind, ScopeKind

RULES_DIR = Path(__file__).resolve().parent / "rules"

EVERY_KIND = '''
import multiprocessing
from os import path as p

class Box:
    size = 1

def work(item, *rest, scale=2, **options):
    total = 0
    total += item
    for i in range(3):
        pass
    with open(p.devnull) as sink:
        pass
    try:
        pass
    except OSError as error:
        pass
    if (n := len(rest)) > 0:
        pass
    squares = [x * x for x in rest]
    return (lambda y: y + scale)(total)
'''


def kinds_of(model) -> tuple[set, set]:
    scopes = list(model.scopes)
    bindings = [b for s in scopes for bs in s.bindings.values() for b in bs]
    return {s.kind for s in scopes}, {b.kind for b in bindings}


def test_the_model_records_every_scope_and_binding_kind_as_a_member() -> None:
    scopes, bindings = kinds_of(analyze(EVERY_KIND, "example.py", Config()).model)
    assert scopes == set(ScopeKind.members())
    assert bindings == set(BindingKind.members())
    assert all(isinstance(k, ScopeKind.Member) for k in scopes)
    assert all(isinstance(k, BindingKind.Member) for k in bindings)


def test_the_rule_fixtures_use_no_kind_outside_the_vocabularies() -> None:
    for path in sorted(RULES_DIR.glob("MP*/*.py")):
        if path.parent.name == "MP000":
            continue  # does not parse
        analysis = analyze(path.read_text(), "example.py", Config())
        if analysis.model is None:
            continue  # no process API: not modelled
        scopes, bindings = kinds_of(analysis.model)
        assert all(isinstance(k, ScopeKind.Member) for k in scopes), path
        assert all(isinstance(k, BindingKind.Member) for k in bindings), path
