"""The queues and logging facts are domains of `model.facts`: built once per analysis, shared by
the rules, each answer computed once."""

from __future__ import annotations

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.semantic.kinds import DispatchApi

PROGRAM = '''
import logging
import multiprocessing

log = logging.getLogger(__name__)

def work(results, level):
    log.info("working")
    print("done")
    results.put(level)

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    results = multiprocessing.Queue()
    p = multiprocessing.Process(target=work, args=(results, 1))
    p.start()
    p.join()
'''


def model_of(text: str):
    return analyze(text, "example.py", Config()).model


def test_queues_domain_finds_the_queue_a_process_is_given_once() -> None:
    model = model_of(PROGRAM)
    assert model.facts.queues is model.facts.queues
    process = next(d for d in model.facts.calls.dispatches if d.api == DispatchApi.PROCESS)
    args = model.facts.queues.args_of(process)
    assert [(a.expr.value, a.position, a.keyword, a.binding.name) for a in args] == [("results", 0, None, "results")]
    assert model.facts.queues.args_of(process) is args  # memoised, not recomputed


def test_logging_domain_answers_per_call_site() -> None:
    model = model_of(PROGRAM)
    logging_facts = model.facts.logging
    assert logging_facts is model.facts.logging
    by_text = {model.module.code_for_node(s.node.func): s for s in model.calls}
    assert logging_facts.level_of(by_text["log.info"]) == "info"
    assert logging_facts.level_of(by_text["print"]) is None
    assert logging_facts.configures(by_text["logging.basicConfig"]) is True
    assert logging_facts.configures(by_text["log.info"]) is False
    assert logging_facts.prints_to_stdout(by_text["print"]) is True
    assert logging_facts.callee(by_text["logging.basicConfig"]) == "logging.basicConfig"
