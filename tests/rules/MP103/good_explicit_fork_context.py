import multiprocessing as mp
import numpy as np

DATA = np.load("x.npy")

def work(i):
    return DATA[i]

if __name__ == "__main__":
    with mp.get_context("fork").Pool() as p:
        p.map(work, range(3))
