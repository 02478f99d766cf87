import itertools
import multiprocessing as mp

def probe(seed):
    return seed % 7 == 0

if __name__ == "__main__":
    with mp.Pool(4) as pool:
        for hit in pool.map(probe, itertools.count(1)):  # info: MP303 9:20
            if hit:
                break
