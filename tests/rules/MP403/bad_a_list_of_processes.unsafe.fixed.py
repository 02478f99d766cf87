import multiprocessing as mp

def crunch(i):
    return i * 2

def main():
    procs = [mp.Process(target=crunch, args=(i,)) for i in range(4)]  # hint: MP403 7:14
    for p in procs:
        p.start()
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"process {p.name} failed with exit code {p.exitcode}")
    print("done")

if __name__ == "__main__":
    main()
