import numpy as np
from multiprocessing import shared_memory
from concurrent.futures import ProcessPoolExecutor

def work(name, shape, i):
    shm = shared_memory.SharedMemory(name=name)
    arr = np.ndarray(shape, dtype=np.float64, buffer=shm.buf)
    return arr[i].sum()

if __name__ == "__main__":
    src = np.random.rand(1000, 1000)
    shm = shared_memory.SharedMemory(create=True, size=src.nbytes)
    with ProcessPoolExecutor() as ex:
        futs = [ex.submit(work, shm.name, src.shape, i) for i in range(1000)]
