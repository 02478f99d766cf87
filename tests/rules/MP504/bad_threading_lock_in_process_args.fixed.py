import multiprocessing
import threading
from multiprocessing import Process

def work(lock, n):
    with lock:
        print("worker", n)

if __name__ == "__main__":
    lock = multiprocessing.Lock()
    procs = [Process(target=work, args=(lock, i)) for i in range(3)]  # error: MP504 10:41
    for p in procs:
        p.start()
    for p in procs:
        p.join()
