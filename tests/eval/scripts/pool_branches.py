"""A task runner that picks a process pool or a serial stand-in, and a leaky report builder."""

import multiprocessing
import unittest


class SerialPool:
    def map(self, fn, items):
        return [fn(x) for x in items]

    def close(self):
        pass

    def join(self):
        pass


def measure(path):
    return len(path)


def run_all(paths, jobs):
    if jobs > 1:
        pool = multiprocessing.Pool(jobs)
    else:
        pool = SerialPool()
    try:
        return pool.map(measure, paths)
    finally:
        pool.close()
        pool.join()


def shard_iterator(paths, jobs):
    if jobs > 1:
        pool = multiprocessing.Pool(jobs)
        sizes = pool.imap(measure, paths)
    else:
        pool = None
        sizes = map(measure, paths)
    return pool, sizes


def build_report(paths, jobs):
    if jobs > 1:
        pool = multiprocessing.Pool(jobs)  # expect: MP601
        sizes = pool.map(measure, paths)
    else:
        sizes = [measure(p) for p in paths]
    return sum(sizes)


class PoolArguments(unittest.TestCase):
    def test_negative_processes(self):
        with self.assertRaises(ValueError):
            multiprocessing.Pool(processes=-1)

    def test_process_object(self):
        proc = multiprocessing.Process(target=lambda: None)
        self.assertTrue(proc)


if __name__ == "__main__":
    print(run_all(["a", "bb"], 2), build_report(["a"], 2))
