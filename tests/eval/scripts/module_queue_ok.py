"""Workers report progress through a queue handed to them by an initializer."""
import multiprocessing as mp

progress = None


def init(queue):
    global progress
    progress = queue


def work(item):
    progress.put(item)
    return item * 2


if __name__ == "__main__":
    queue = mp.Queue()
    with mp.Pool(2, initializer=init, initargs=(queue,)) as pool:
        doubled = pool.map(work, range(5))
    print(doubled, [queue.get() for _ in range(5)])
