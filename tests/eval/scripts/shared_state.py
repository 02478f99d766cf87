import multiprocessing as mp

COUNTER = 0
SEEN = []


def tally(x):
    global COUNTER
    COUNTER += x  # expect: MP501
    return x


def remember(x, shared):
    shared.append(x)


def main():
    with mp.Pool(2) as pool:
        pool.map(tally, range(10))
    print("counter:", COUNTER)
    with mp.Manager() as manager:
        shared = manager.list()
        procs = [mp.Process(target=remember, args=(i, shared)) for i in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
            if p.exitcode:
                raise SystemExit(p.exitcode)
        print(list(shared), SEEN)


if __name__ == "__main__":
    main()
