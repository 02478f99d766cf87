"""Process APIs beyond the standard library (semantic/apis.py) and `[tool.mpguard.process-apis]`:
what each declared kind ships, with which pickler, and that the prefilter lets them through."""

from __future__ import annotations

import pytest

from mpguard.config import Config
from mpguard.engine import analyze, mentions_process_api
from mpguard.semantic.apis import APIS, ApiKind


def _findings(text: str, config: Config) -> list[tuple[str, int, str]]:
    return [(f.code, f.range.start.line, f.message) for f in analyze(text, "job.py", config).findings]


def _declared(**apis: dict) -> Config:
    return Config().with_overrides(**{"process-apis": apis})


MAP = '''from mylib import pmap


def main(xs):
    return pmap(lambda x: x * 2, xs)


pmap(abs, [1, 2])
'''


def test_a_declared_map_ships_its_first_argument_with_pickle():
    assert _findings(MAP, _declared(**{"mylib.pmap": {"kind": "map", "pickler": "pickle"}})) == [
        ("MP201", 5, "Lambda passed to `pmap()` cannot be pickled"),
        ("MP101", 8, '`pmap()` starts processes at import time; move it under `if __name__ == "__main__":`'),
    ]


def test_a_declared_dill_map_gets_start_safety_findings_only():
    assert [code for code, *_ in _findings(MAP, _declared(**{"mylib.pmap": {"kind": "map", "pickler": "dill"}}))] == [
        "MP101"]


def test_undeclared_it_is_unknown_and_silent():
    assert _findings(MAP, Config()) == []


POOL = '''import mylib.pools as pools


def main(xs):
    pool = pools.Pool(4)
    return pool.map(lambda x: x + 1, xs)
'''


def test_a_declared_pool_ships_tasks_through_its_methods():
    assert _findings(POOL, _declared(**{"mylib.pools.Pool": {"kind": "pool"}})) == [
        ("MP201", 6, "Lambda passed to `Pool.map()` cannot be pickled")]


PROCESS = '''from mylib import Worker


def main():
    def job():
        return 1

    w = Worker(target=job)
    w.start()


w = Worker(target=print)
w.start()
'''


def test_a_declared_process_ships_its_target_under_spawn_and_starts_on_start():
    got = _findings(PROCESS, _declared(**{"mylib.Worker": {"kind": "process"}}))
    assert [(code, line) for code, line, _ in got] == [("MP202", 8), ("MP101", 13)]
    forked = _findings(PROCESS, Config(start_method="fork").with_overrides(
        **{"process-apis": {"mylib.Worker": {"kind": "process"}}}))
    assert forked == []  # a fork child inherits the target; no re-import


def test_the_prefilter_lets_declared_and_known_libraries_through():
    text = "from mylib import pmap\npmap(abs, [1])\n"
    assert not mentions_process_api(text)
    assert mentions_process_api(text, _declared(**{"mylib.pmap": {"kind": "map"}}))
    for line in ("from tqdm.contrib.concurrent import process_map", "from torch.utils.data import DataLoader",
                 "import torch\nloader = torch.utils.data.DataLoader(data, num_workers=2)",
                 "import torch.multiprocessing as mp", "from pebble import concurrent",
                 "import joblib\njoblib.Parallel(n_jobs=2, backend='multiprocessing')", "from mpire import WorkerPool",
                 "import pathos.pools as pp", "from p_tqdm import p_map", "import multiprocess as mp"):
        assert mentions_process_api(line + "\n"), line
    # importing torch, tqdm or joblib for tensors, progress bars or joblib.dump needs no parse
    for text in ("import torch\nx = torch.zeros(3)\n", "from tqdm import tqdm\n", "import joblib\njoblib.dump(m, 'f')\n"):
        assert not mentions_process_api(text), text


@pytest.mark.parametrize("version, found", [((3, 13), []), ((3, 14), [("MP201", 6)])])
def test_interpreter_pool_executor_exists_from_python_3_14(version, found):
    text = ('from concurrent.futures import InterpreterPoolExecutor\n\n\ndef main():\n'
            '    with InterpreterPoolExecutor() as ex:\n        return ex.submit(lambda: 1).result()\n')
    assert [(c, line) for c, line, _ in _findings(text, Config(target_version=version))] == found


def test_the_table_names_each_library_of_the_spec_once_per_kind():
    families = {(api.family, api.kind) for api in APIS}
    assert {f for f, _ in families} == {"torch", "tqdm", "multiprocess", "pathos", "p_tqdm", "joblib", "pebble",
                                        "mpire", "concurrent.futures"}
    assert ("pebble", ApiKind.DECORATOR) in families and ("joblib", ApiKind.PARALLEL) in families
    assert {api.pickler for api in APIS if api.family in ("pathos", "p_tqdm", "multiprocess")} == {"dill"}


SPAWN_ONLY = '''import multiprocessing as mp


def main():
    def work():
        return 1

    mp.Process(target=work).start()
'''


@pytest.mark.parametrize("settings, where", [
    ({}, "on macOS/Windows"),
    ({"target-version": "py314"}, "on Linux 3.14+/macOS/Windows"),
    ({"platforms": ["windows"]}, "on Windows"),
    ({"start-method": "forkserver"}, "under `forkserver`"),
])
def test_spawn_only_messages_name_the_platforms_where_it_fails(settings, where):
    config = Config(target_version=(3, 12), select=frozenset({"MP202"})).with_overrides(**settings)
    assert [m for _, _, m in _findings(SPAWN_ONLY, config)] == [
        f"`work` is defined inside `main()`, so `Process(target=...)` cannot pickle it {where}"]


def test_tqdm_interpreter_map_exists_from_python_3_14():
    text = "from tqdm.contrib.concurrent import interpreter_map\n\ninterpreter_map(abs, [1, -2])\n"
    assert [c for c, *_ in _findings(text, Config(target_version=(3, 13)))] == []
    assert [c for c, *_ in _findings(text, Config(target_version=(3, 14)))] == ["MP101"]
