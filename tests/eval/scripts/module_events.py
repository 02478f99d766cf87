"""A producer process fills a module-level queue; the parent waits for the 'done' event."""
import multiprocessing as mp

jobs = mp.Queue()  # expect: MP507
done = mp.Event()  # expect: MP507


def produce(n):
    for i in range(n):
        jobs.put(i)
    done.set()


def main():
    p = mp.Process(target=produce, args=(10,))
    p.start()
    done.wait(timeout=5)
    p.join()
    if p.exitcode:
        raise SystemExit(p.exitcode)
    print(jobs.qsize())


if __name__ == "__main__":
    main()
