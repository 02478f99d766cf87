"""A background process that is stopped on purpose with `terminate()` (its exit code is -15)."""
import time
from multiprocessing import Event, Process


def tick(started):
    started.set()
    while True:
        time.sleep(0.1)


if __name__ == "__main__":
    started = Event()
    ticker = Process(target=tick, args=(started,))
    ticker.start()
    started.wait()
    ticker.terminate()
    ticker.join()
    print("ticker stopped")
