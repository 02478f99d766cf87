import multiprocessing as mp

def crunch(i, results):
    results[i] = i * 2

def main():
    with mp.Manager() as manager:
        results = manager.dict()
        procs = [mp.Process(target=crunch, args=(i, results)) for i in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        assert all(p.exitcode == 0 for p in procs)

if __name__ == "__main__":
    main()
