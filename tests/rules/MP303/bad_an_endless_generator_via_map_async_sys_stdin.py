import sys
import multiprocessing as mp

def handle(line):
    return line.strip()[::-1]

def source():
    while True:
        yield sys.stdin.readline()

if __name__ == "__main__":
    pool = mp.Pool(2)
    res = pool.map_async(handle, source())  # info: MP303 13:11
    lines = pool.map(handle, map(str.strip, sys.stdin))  # info: MP303 14:13
    pool.close()
    pool.join()
