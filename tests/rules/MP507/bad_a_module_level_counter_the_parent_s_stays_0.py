import multiprocessing as mp

counter = mp.Value("i", 0)  # warning: MP507 3:11

def count(n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1

if __name__ == "__main__":
    procs = [mp.Process(target=count, args=(100,)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print(counter.value)
