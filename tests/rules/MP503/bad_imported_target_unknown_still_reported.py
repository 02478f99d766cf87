import multiprocessing as mp
from tools import producer

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q,))
    p.start()
    p.join()  # warning: MP503 8:5
    data = q.get()
