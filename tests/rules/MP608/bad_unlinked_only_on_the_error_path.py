from multiprocessing.shared_memory import SharedMemory

def publish(payload, ok):
    shm = SharedMemory(create=True, size=len(payload))  # warning: MP608 4:11
    shm.buf[:len(payload)] = payload
    if not ok:
        shm.close()
        shm.unlink()
        return None
    return bytes(shm.buf[:4])
