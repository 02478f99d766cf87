import multiprocessing as mp
import threading
import time


def heartbeat():
    while True:
        time.sleep(1)


def work(x):
    return x


if __name__ == "__main__":
    threading.Thread(target=heartbeat, daemon=True).start()
    with mp.get_context("fork").Pool(4) as pool:  # expect: MP502, MP104
        print(pool.map(work, range(4)))
