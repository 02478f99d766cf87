from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory

def fill(name):
    shm = SharedMemory(name=name)
    shm.buf[0] = 1
    shm.close()

if __name__ == "__main__":
    shm = SharedMemory(create=True, size=16)
    try:
        p = Process(target=fill, args=(shm.name,))
        p.start()
        p.join()
        print(shm.buf[0])
    finally:
        shm.close()
        shm.unlink()
