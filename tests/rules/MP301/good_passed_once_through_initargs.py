import numpy as np
from multiprocessing import Pool

_DATA = None

def init(data):
    global _DATA
    _DATA = data

def work(i):
    return _DATA[i].sum()

if __name__ == "__main__":
    data = np.load("data.npy")
    with Pool(4, initializer=init, initargs=(data,)) as pool:
        print(pool.map(work, range(len(data))))
