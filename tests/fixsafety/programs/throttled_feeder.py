"""A feeder that throttles itself: at most four items in flight, a slot freed per result.

`Pool.imap` sends a chunk only once it holds `chunksize` items, so with a chunksize above
four the feeder waits for results of items that were never sent.
"""
import threading
from multiprocessing import Pool


def double(n):
    return 2 * n


def throttled(items, slots):
    for item in items:
        slots.acquire()
        yield item


if __name__ == "__main__":
    slots = threading.BoundedSemaphore(4)
    total = 0
    with Pool(2) as pool:
        for result in pool.imap(double, throttled(range(100), slots)):
            total += result
            slots.release()
    print(f"total {total}")
