import multiprocessing as mp

def consume(q):
    while True:
        item = q.get()
        if item is None:
            break
        print(item)

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=consume, args=(q,))
    p.start()
    for i in range(10):
        q.put(i)
    q.put(None)
    p.join()
    leftover = q.get_nowait() if not q.empty() else None
