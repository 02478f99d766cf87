"""Time-boxed search: every worker is killed when the deadline passes; nobody reads the queue again."""
import multiprocessing as mp
import time


def search(seed, found):
    n = seed
    while n % 97:
        n += 7
    found.put(n)


def main():
    found = mp.Queue()
    workers = [mp.Process(target=search, args=(s, found)) for s in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.5)
    for w in workers:
        w.terminate()
        w.join()


if __name__ == "__main__":
    main()
