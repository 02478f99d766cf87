import multiprocessing as mp

def init(q):
    global Q
    Q = q

def work(x):
    return x

if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    with mp.get_context("spawn").Pool(2, initializer=init, initargs=(q,)) as pool:  # warning: MP209 13:70
        pool.map(work, [1])
