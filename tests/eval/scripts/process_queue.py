import multiprocessing as mp


def producer(q, n):
    for i in range(n):
        q.put(i)


def consumer(q):
    while (item := q.get()) is not None:
        print(item)


if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q, 10))
    c = mp.Process(target=consumer, args=(q,))
    p.start()
    c.start()
    p.join()
    q.put(None)
    c.join()
    if p.exitcode or c.exitcode:
        raise SystemExit(1)
