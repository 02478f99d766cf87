from concurrent import futures
from multiprocessing import Pool as P, get_context
import multiprocessing.pool as mpp


def work(x):
    return x


def go(items, ex):
    # `ex` comes from the caller: its type is unknown here, so nothing is reported
    ex.submit(lambda: 1)
    with futures.ProcessPoolExecutor() as pe:
        pe.submit(lambda: work(1)).result()  # expect: MP201
    with P(2) as p:
        p.map(lambda x: x, items)  # expect: MP201
    tp = mpp.ThreadPool(2)
    tp.map(lambda x: x, items)
    tp.close()
    tp.join()
    ctx = get_context("fork")  # expect: MP104
    proc = ctx.Process(target=lambda: work(2))
    proc.start()
    proc.join()


if __name__ == "__main__":
    go([1], None)
