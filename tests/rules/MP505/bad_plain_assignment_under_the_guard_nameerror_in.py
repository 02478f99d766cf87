import multiprocessing as mp

def work(path):
    return path.startswith(PREFIX)

if __name__ == "__main__":
    PREFIX = "/data"  # warning: MP505 7:5
    procs = [mp.Process(target=work, args=(p,)) for p in ["/data/a", "/tmp/b"]]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
