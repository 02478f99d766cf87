from multiprocessing.managers import SharedMemoryManager
from multiprocessing.shared_memory import SharedMemory

class Buffer:
    def __init__(self, size):
        self.shm = SharedMemory(create=True, size=size)

def make(size):
    shm = SharedMemory(create=True, size=size)
    return shm

if __name__ == "__main__":
    with SharedMemoryManager() as smm:
        block = smm.SharedMemory(64)
        block.buf[0] = 1
    shm = SharedMemory(create=True, size=8)
    shm.buf[0] = 2
    shm.close()
    shm.unlink()
