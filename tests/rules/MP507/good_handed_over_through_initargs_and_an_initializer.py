from multiprocessing import Lock, Pool

lock = None

def init(shared_lock):
    global lock
    lock = shared_lock

def append(line):
    with lock:
        print(line)

if __name__ == "__main__":
    with Pool(4, initializer=init, initargs=(Lock(),)) as pool:
        pool.map(append, ["a", "b", "c"])
