"""Everything here is correct: no findings expected."""
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context


def init_worker(config_path):
    global CONFIG
    CONFIG = config_path


def work(item):
    return item * 2


def main(items):
    workers = min(61, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=init_worker, initargs=("cfg.toml",)) as ex:
        futs = [ex.submit(work, i) for i in items]
        for f in as_completed(futs):
            print(f.result())
        print(list(ex.map(work, items, chunksize=16)))


if __name__ == "__main__":
    main(list(range(100)))
