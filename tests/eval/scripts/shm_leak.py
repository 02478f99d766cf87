"""Share a frame buffer with decoder processes through shared memory."""
from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory

FRAME = 640 * 480


def decode(name, index):
    shm = SharedMemory(name=name)
    shm.buf[index] = 255
    shm.close()


def run_decoders(count):
    shm = SharedMemory(create=True, size=FRAME)  # expect: MP608
    procs = [Process(target=decode, args=(shm.name, i)) for i in range(count)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(p.exitcode)
    first = bytes(shm.buf[:count])
    shm.close()
    return first


def run_decoders_safely(count):
    shm = SharedMemory(create=True, size=FRAME)
    try:
        procs = [Process(target=decode, args=(shm.name, i)) for i in range(count)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
            if p.exitcode:
                raise SystemExit(p.exitcode)
        return bytes(shm.buf[:count])
    finally:
        shm.close()
        shm.unlink()


if __name__ == "__main__":
    print(run_decoders(4), run_decoders_safely(4))
