import multiprocessing as mp

def produce(n, out):
    out.put([i * i for i in range(n)])

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=produce, args=(1_000_000, q))
    p.start()
    squares = q.get()
    p.join()  # warning: MP503 10:5
    print(len(squares))
