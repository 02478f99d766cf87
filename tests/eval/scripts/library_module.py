"""A library: defines workers and a helper that callers run under their own guard."""
import multiprocessing as mp


def _work(chunk):
    return sum(chunk)


def parallel_sum(chunks, processes=None):
    with mp.Pool(processes) as pool:
        return sum(pool.map(_work, chunks))
