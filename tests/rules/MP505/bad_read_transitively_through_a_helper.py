import argparse
from concurrent.futures import ProcessPoolExecutor

VERBOSE = False

def log(msg):
    if VERBOSE:
        print(msg)

def crunch(n):
    log(f"crunching {n}")
    return n * n

if __name__ == "__main__":
    args = argparse.ArgumentParser().parse_args()
    VERBOSE = True  # warning: MP505 16:5
    with ProcessPoolExecutor() as ex:
        print(list(ex.map(crunch, range(4))))
