import multiprocessing as mp

def work(item, q, lock):
    with lock:
        q.put(item)

if __name__ == "__main__":
    manager = mp.Manager()
    q = manager.Queue()
    lock = manager.Lock()
    with mp.Pool(2) as pool:
        pool.starmap(work, [(i, q, lock) for i in range(4)])
