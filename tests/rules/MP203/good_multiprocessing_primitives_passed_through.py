import multiprocessing as mp

def init(q, lock):
    global Q, LOCK
    Q, LOCK = q, lock

def producer(q, lock):
    with lock:
        q.put(1)

if __name__ == "__main__":
    q = mp.Queue()
    lock = mp.Lock()
    p = mp.Process(target=producer, args=(q, lock))
    p.start()
    with mp.Pool(2, initializer=init, initargs=(q, lock)) as pool:
        pool.map(abs, [1, 2])
    p.join()
