import numpy as np
from multiprocessing.pool import ThreadPool

def work(data, i):
    return data[i]

if __name__ == "__main__":
    data = np.zeros(100)
    with ThreadPool(4) as tp:
        tp.starmap(work, [(data, i) for i in range(100)])
