import multiprocessing as mp
import time

def reader(path, out):
    for line in open(path):
        out.put(line)

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=reader, args=("data.txt", q))
    p.start()
    time.sleep(2)
    p.terminate()  # warning: MP605 13:5
    print(q.get())
