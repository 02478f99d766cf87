import multiprocessing as mp

def consume(q, stop):
    while not stop.is_set():
        q.get()

if __name__ == "__main__":
    q, stop = mp.Queue(), mp.Event()
    p = mp.Process(target=consume, args=(q, stop))
    p.start()
    stop.set()
    p.join()
