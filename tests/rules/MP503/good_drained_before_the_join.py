import multiprocessing as mp

def produce(n, out):
    out.put(list(range(n)))

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=produce, args=(1_000_000, q))
    p.start()
    data = q.get()
    p.join()
    print(len(data))
