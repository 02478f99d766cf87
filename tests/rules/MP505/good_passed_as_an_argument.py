from functools import partial
from multiprocessing import Pool

def score(item, weight):
    return item * weight

if __name__ == "__main__":
    weight = 3
    with Pool(2) as pool:
        print(pool.map(partial(score, weight=weight), [1, 2]))
