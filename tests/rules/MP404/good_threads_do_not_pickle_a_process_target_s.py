import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process

class JobError(Exception):
    def __init__(self, job, reason):
        super().__init__(f"{job}: {reason}")

def job(n):
    raise JobError(n, "failed")

if __name__ == "__main__":
    with ThreadPoolExecutor() as ex:
        ex.submit(job, 1).result()
    p = Process(target=job, args=(2,))
    p.start()
    p.join()
