import multiprocessing as mp

def work(lock, q):
    with lock:
        q.put(1)

if __name__ == "__main__":
    lock = mp.Lock()
    q = mp.Queue()
    p = mp.Process(target=work, args=(lock, q))
    p.start()
    print(q.get())
    p.join()
