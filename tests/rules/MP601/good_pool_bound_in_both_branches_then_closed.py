import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


class SerialPool:
    def apply_async(self, fn, args):
        return fn(*args)

    def close(self):
        pass


def check(task):
    return task


def add(task, multiprocess):
    if multiprocess:
        pool = multiprocessing.Pool(2)
    else:
        pool = SerialPool()
    try:
        pool.apply_async(check, [task])
    finally:
        pool.close()


def run_in_pool(func, tasks, executor):
    if executor == "processes":
        pool = ProcessPoolExecutor(2)
    else:
        pool = ThreadPoolExecutor(2)
    with pool as p:
        return list(p.map(func, tasks))
