# proof: MP608
# fails-with: leaked shared_memory objects
# expect-output: sums: [120, 120]
"""Share a block of bytes with pool workers through shared memory."""
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory


def total(name):
    shm = SharedMemory(name=name)
    try:
        return sum(shm.buf[:16])
    finally:
        shm.close()


if __name__ == "__main__":
    shm = SharedMemory(create=True, size=16)
    try:
        shm.buf[:16] = bytes(range(16))
        with Pool(2) as pool:
            print("sums:", pool.map(total, [shm.name] * 2))
    finally:
        shm.close()
        shm.unlink()
