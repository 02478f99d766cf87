import threading
import queue

def work(lock, q):
    with lock:
        q.put(1)

if __name__ == "__main__":
    lock = threading.Lock()
    q = queue.Queue()
    t = threading.Thread(target=work, args=(lock, q))
    t.start()
    t.join()
    print(q.get())
