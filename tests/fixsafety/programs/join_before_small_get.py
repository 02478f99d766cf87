"""Each worker puts one small result on a queue; the parent joins first, then reads.

Small items fit in the pipe buffer, so joining first cannot deadlock here.
"""
from multiprocessing import Process, Queue


def report(n, queue):
    queue.put(n * 10)


if __name__ == "__main__":
    queue = Queue()
    worker = Process(target=report, args=(4, queue))
    worker.start()
    worker.join()
    print(queue.get())
    workers = [Process(target=report, args=(n, queue)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(sorted(queue.get() for _ in workers))
