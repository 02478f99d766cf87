from threading import Event
from multiprocessing import Pool

stop = None

def init(event):
    global stop
    stop = event

def work(x):
    return None if stop.is_set() else x

if __name__ == "__main__":
    ev = Event()
    with Pool(2, initializer=init, initargs=(ev,)) as pool:  # error: MP504 15:46
        print(pool.map(work, range(4)))
