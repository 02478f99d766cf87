"""A shared buffer whose cleanup is registered with weakref.finalize right after creation."""
import weakref
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory


def peek(args):
    name, i = args
    shm = SharedMemory(name=name)
    try:
        return shm.buf[i]
    finally:
        shm.close()


def main():
    shm = SharedMemory(create=True, size=8)
    weakref.finalize(shm, shm.unlink)
    shm.buf[:8] = bytes(range(8))
    with Pool(2) as pool:
        values = pool.map(peek, [(shm.name, i) for i in range(8)])
    shm.close()
    return values


if __name__ == "__main__":
    print(main())
