import multiprocessing as mp

def produce(out):
    out.put("x" * 10)

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    p.join(timeout=30)
    print(q.get())
