import multiprocessing as mp
import threading


class Worker(mp.Process):
    def __init__(self, lock):
        super().__init__()
        self.lock = lock

    def run(self):
        with self.lock:
            print("working")


if __name__ == "__main__":
    w = Worker(threading.Lock())  # expect: MP504
    w.start()
    w.join()
