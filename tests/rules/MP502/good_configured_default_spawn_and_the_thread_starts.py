import multiprocessing as mp
import threading

def heartbeat():
    pass

def work(x):
    return x * x

if __name__ == "__main__":
    with mp.Pool(4) as pool:
        print(pool.map(work, range(10)))
    threading.Thread(target=heartbeat, daemon=True).start()
