from threading import Thread
from multiprocessing import Process

def job():
    pass

if __name__ == "__main__":
    Thread(target=job).start()
    p = Process(target=job)
    p.start()
    p.join(timeout=5)
