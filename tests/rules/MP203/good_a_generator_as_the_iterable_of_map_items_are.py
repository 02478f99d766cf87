from multiprocessing import Pool
from multiprocessing import shared_memory

def work(name, i):
    return i

def main(paths):
    shm = shared_memory.SharedMemory(create=True, size=1024)
    gen = (p.upper() for p in paths)
    with Pool() as pool:
        pool.starmap(work, [(shm.name, i) for i in range(3)])
        pool.map(len, gen)
        pool.apply_async(work, (shm, 1)).get()
