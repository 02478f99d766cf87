# mpguard-fixture: start-method=fork
import threading
from multiprocessing import Pool

def append_line(lock, path, line):
    with lock:
        with open(path, "a") as fh:
            fh.write(line)

if __name__ == "__main__":
    lock = threading.Lock()
    with Pool(4) as pool:
        jobs = [pool.apply_async(append_line, (lock, "out.txt", str(i))) for i in range(8)]  # error: MP203 13:48
        [j.get() for j in jobs]
