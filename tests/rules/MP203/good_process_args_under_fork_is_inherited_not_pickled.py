import threading
import multiprocessing as mp

def worker(lock, path):
    with lock, open(path) as fh:
        print(fh.readline())

if __name__ == "__main__":
    mp.set_start_method("fork")
    lock = threading.Lock()
    fh = open("data.txt")
    p = mp.Process(target=worker, args=(lock, "data.txt"))
    p.start()
    p.join()
