# mpguard-fixture: start-method=fork
import queue
import multiprocessing as mp

def produce(q):
    for i in range(5):
        q.put(i * i)

if __name__ == "__main__":
    results = queue.Queue()
    p = mp.Process(target=produce, args=(results,))  # error: MP504 11:42
    p.start()
    p.join()
    print([results.get() for _ in range(5)])
