from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory

def first_byte(name):
    shm = SharedMemory(name=name)
    value = shm.buf[0]
    shm.close()
    shm.unlink()  # warning: MP608 8:5
    return value

if __name__ == "__main__":
    shm = SharedMemory(create=True, size=16)
    try:
        with Pool(4) as pool:
            print(pool.map(first_byte, [shm.name] * 8))
    finally:
        shm.close()
        shm.unlink()
