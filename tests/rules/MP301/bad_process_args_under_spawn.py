import numpy as np
import multiprocessing as mp

def crunch(matrix, row):
    print(matrix[row].sum())

if __name__ == "__main__":
    matrix = np.zeros((5000, 5000))
    procs = [mp.Process(target=crunch, args=(matrix, i)) for i in range(4)]  # warning: MP301 9:46
    for p in procs:
        p.start()
    for p in procs:
        p.join()
