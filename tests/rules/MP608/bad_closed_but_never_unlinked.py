import numpy as np
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory

def total(args):
    name, n = args
    shm = SharedMemory(name=name)
    result = int(np.ndarray((n,), dtype=np.int64, buffer=shm.buf).sum())
    shm.close()
    return result

if __name__ == "__main__":
    data = np.arange(1000, dtype=np.int64)
    shm = SharedMemory(create=True, size=data.nbytes)  # warning: MP608 14:11
    np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)[:] = data
    with Pool(2) as pool:
        print(pool.map(total, [(shm.name, 1000)] * 2))
    shm.close()
