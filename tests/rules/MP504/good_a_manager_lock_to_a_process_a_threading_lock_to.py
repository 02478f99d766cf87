import multiprocessing as mp
from multiprocessing.dummy import Pool as ThreadPool
import threading

def work(args):
    lock, x = args
    with lock:
        return x

if __name__ == "__main__":
    lock = threading.Lock()
    m = mp.Manager()
    shared = m.Lock()
    p = mp.Process(target=print, args=(shared,))
    p.start()
    p.join()
    with ThreadPool(4) as tp:
        print(tp.map(work, [(lock, 1)]))
