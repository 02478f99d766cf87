"""Start a heartbeat monitor and a worker process next to the main loop."""
import multiprocessing as mp
import time


def heartbeat(interval, stop):
    while not stop.is_set():
        print("alive")
        stop.wait(interval)


def crunch(n, results):
    results.put(sum(i * i for i in range(n)))


if __name__ == "__main__":
    stop = mp.Event()
    results = mp.Queue()
    heartbeat = mp.Process(target=heartbeat, args=(0.5, stop))  # expect: MP210
    heartbeat.start()
    worker = mp.Process(target=crunch, args=(10_000, results))
    worker.start()
    print(results.get())
    worker.join()
    stop.set()
    heartbeat.join()
