import itertools
from multiprocessing import Pool

def simulate(seed, cfg):
    return seed * cfg["scale"]

if __name__ == "__main__":
    cfg = {"scale": 3}
    seeds = list(range(1000))
    with Pool(4) as pool:
        out = pool.starmap(simulate, zip(seeds, itertools.repeat(cfg)))
        out2 = pool.map(abs, range(10_000))
        out3 = pool.map(abs, [x - 500 for x in seeds])
        out4 = pool.starmap(simulate, [(s, cfg) for s in seeds])
        grid = pool.starmap(max, itertools.product(seeds[:10], seeds[:10]))
        firsts = pool.map(abs, itertools.islice(itertools.count(), 100))
