import threading
from multiprocessing import Lock
from multiprocessing.pool import ThreadPool

lock = Lock()


def append(line):
    with lock:
        print(line)


if __name__ == "__main__":
    with ThreadPool(4) as pool:
        pool.map(append, ["a", "b"])
    t = threading.Thread(target=append, args=("c",))
    t.start()
    t.join()
