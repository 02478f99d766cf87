# mpguard-fixture: target-version=py312
import multiprocessing as mp

def work(x):
    return x

if __name__ == "__main__":
    with mp.Pool(processes=min(61, mp.cpu_count() or 1)) as pool:  # warning: MP607 8:28
        print(pool.map(work, range(8)))
    with mp.Pool(min(61, mp.cpu_count())) as pool:
        print(pool.map(work, range(8)))
