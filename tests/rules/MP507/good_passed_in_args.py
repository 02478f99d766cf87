import multiprocessing as mp

lock = mp.Lock()

def work(lock, n):
    with lock:
        print(n)

if __name__ == "__main__":
    procs = [mp.Process(target=work, args=(lock, i)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
