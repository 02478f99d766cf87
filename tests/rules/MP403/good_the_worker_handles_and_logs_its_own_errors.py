import logging
from multiprocessing import Process

def job(n):
    try:
        print(1 / n)
    except Exception:
        logging.exception("job %s failed", n)

if __name__ == "__main__":
    p = Process(target=job, args=(0,))
    p.start()
    p.join()
