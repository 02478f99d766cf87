from multiprocessing import Process, Queue

def scan(path, results):
    with open(path) as f:
        results.put((path, f.read().splitlines()))

def main(paths):
    results = Queue()
    procs = [Process(target=scan, args=(p, results)) for p in paths]
    for p in procs:
        p.start()
    # wait for all scanners
    for p in procs:
        p.join()  # warning: MP503 14:9
    scanned = dict(results.get() for _ in range(len(paths)))
    return scanned

if __name__ == "__main__":
    main(["a.txt"])
