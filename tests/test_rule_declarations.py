"""A rule is declared once (name, severity, fix availability, applicability) and the rest of
mpguard reads the declaration: the catalogue, the engine's skipping, fix identities."""

from __future__ import annotations

import textwrap

from mpguard.catalogue import CATALOGUE, NAME_TO_CODE, expand_selector
from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.findings import Severity
from mpguard.rules import Applies, Fixable, all_rules
from mpguard.semantic.kinds import StartMethod


def test_catalogue_is_generated_from_the_rule_declarations():
    rules = all_rules()
    assert set(CATALOGUE) == set(rules) | {"MP000"}
    for code, rule in rules.items():
        assert CATALOGUE[code] == (rule.name, rule.severity)
        assert NAME_TO_CODE[rule.name] == code
    assert CATALOGUE["MP000"] == ("syntax-error", Severity.ERROR)
    assert CATALOGUE["MP604"] == ("join-without-close", Severity.ERROR)
    assert expand_selector("join-without-close") == {"MP604"}


def test_fix_availability_is_declared_and_matches_the_docs():
    for rule in all_rules().values():
        # RULES.md convention: a fix the tool applies is named in bold in the fix docs
        assert rule.fixable == ("**" in rule.fix_doc), rule.code
    assert all_rules()["MP604"].fix is Fixable.SOMETIMES
    assert all_rules()["MP301"].fix is Fixable.NONE


def test_applicability_is_declared():
    rules = all_rules()
    assert rules["MP101"].applies == Applies(frozenset({StartMethod.SPAWN, StartMethod.FORKSERVER}), notebooks=False)
    assert rules["MP506"].applies.start_methods == {StartMethod.FORK}
    assert rules["MP604"].applies == Applies.everywhere()
    assert [c for c, r in rules.items() if r.spawn_only] == ["MP101", "MP103", "MP204", "MP206", "MP505", "MP507"]
    spawned = Applies.spawned_children()
    assert spawned.under("spawn") and spawned.under("forkserver") and not spawned.under("fork")
    assert spawned.under(None) and spawned.under("threads")  # not fork: a spawned child
    assert not Applies.forked_children().under("threads")


UNGUARDED = """\
import multiprocessing as mp

def work(x):
    return x

pool = mp.Pool(2)
"""


def test_engine_skips_a_rule_where_its_start_methods_are_not_in_use():
    spawn = analyze(UNGUARDED, "m.py", Config(start_method="spawn"))
    assert [f.code for f in spawn.findings] == ["MP101"]
    fork = analyze(UNGUARDED, "m.py", Config(start_method="fork"))
    assert [f.code for f in fork.findings] == []
    assert fork.model.facts.starts.methods_in_use == {"fork"}
    # a spawn context anywhere in the module brings the spawn-only rules back
    mixed = analyze(UNGUARDED + 'ctx = mp.get_context("spawn")\n', "m.py", Config(start_method="fork"))
    assert mixed.model.facts.starts.methods_in_use == {"fork", "spawn"}


def test_engine_skips_import_time_rules_in_notebooks():
    cells = analyze(UNGUARDED, "cells.ipynb", Config(select=frozenset({"MP101"})))
    assert cells.findings == []


JOIN = textwrap.dedent("""\
    from multiprocessing import Pool

    def square(x):
        return x * x

    if __name__ == "__main__":
        pool = Pool(4)
        results = pool.map(square, range(10))
        pool.join()
""")


def test_fix_has_a_stable_id_and_is_found_by_it():
    config = Config(select=frozenset({"MP604"}))
    first = analyze(JOIN, "m.py", config)
    (finding,) = first.findings
    (fix,) = finding.fixes
    assert fix.id == "MP604@9:4/insert-close"
    assert analyze(JOIN, "m.py", config).findings[0].fixes[0].id == fix.id  # same text, same id
    assert first.fix_by_id(fix.id) is fix
    assert first.fix_by_id("MP604@8:4/insert-close") is None
    assert fix.new_text() == JOIN.replace("    pool.join()\n", "    pool.close()\n    pool.join()\n")
    # the edit is data: applying it twice gives the same text
    assert fix.new_text() == fix.new_text()
    moved = analyze("# header\n" + JOIN, "m.py", config)
    assert moved.findings[0].fixes[0].id == "MP604@10:4/insert-close"


def test_fix_ids_of_one_finding_differ():
    code = textwrap.dedent("""\
        from multiprocessing import Pool

        def main():
            with Pool() as pool:
                return pool.map(lambda x: x, range(3))
    """)
    for finding in analyze(code, "m.py", Config()).findings:
        ids = [fx.id for fx in finding.fixes]
        assert len(ids) == len(set(ids)), ids
        assert all(i.startswith(f"{finding.code}@{finding.range.start.line}:") for i in ids)


def test_a_rule_outside_its_applicability_is_not_run():
    rule = all_rules()["MP101"]
    original, runs = rule.check, []
    object.__setattr__(rule, "check", lambda ctx: runs.append(ctx.model.path))  # frozen dataclass
    try:
        analyze(UNGUARDED, "fork.py", Config(start_method="fork"))
        analyze(UNGUARDED, "cells.ipynb", Config())
        analyze(UNGUARDED, "spawn.py", Config(start_method="spawn"))
    finally:
        object.__setattr__(rule, "check", original)
    assert runs == ["spawn.py"]


def test_a_rule_without_name_or_severity_is_refused_with_the_fix():
    import pytest

    from mpguard.rules import Rule

    with pytest.raises(TypeError, match=r"^MP999: RULE must declare name=\.\.\. and severity=\.\.\. "):
        Rule(code="MP999", summary="s", why="w", fix_doc="f", check=lambda ctx: None)
