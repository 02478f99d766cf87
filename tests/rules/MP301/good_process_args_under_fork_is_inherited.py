import numpy as np
import multiprocessing as mp

def crunch(matrix, row):
    print(matrix[row].sum())

if __name__ == "__main__":
    ctx = mp.get_context("fork")
    matrix = np.zeros((500, 500))
    p = ctx.Process(target=crunch, args=(matrix, 0))
    p.start()
    p.join()
