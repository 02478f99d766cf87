import multiprocessing as mp

def crunch(i, q):
    q.put(i * 2)

if __name__ == "__main__":
    q = mp.Queue()
    procs = [mp.Process(target=crunch, args=(i, q)) for i in range(4)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
