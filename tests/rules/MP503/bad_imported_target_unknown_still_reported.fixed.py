import multiprocessing as mp
from tools import producer

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q,))
    p.start()
    data = q.get()
    p.join()  # warning: MP503 8:5
