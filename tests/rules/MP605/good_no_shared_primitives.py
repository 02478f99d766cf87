import multiprocessing as mp
import time

def spin(n):
    while True:
        n += 1

if __name__ == "__main__":
    p = mp.Process(target=spin, args=(0,))
    p.start()
    time.sleep(1)
    p.terminate()
    p.join()
