import os
from multiprocessing import Process, Queue


def parent_task(q, message):
    q.put(os.getpid())
    p = Process(target=print, args=(message,))
    p.start()
    p.join()
    q.put(message)


if __name__ == "__main__":
    q = Queue()
    p = Process(target=parent_task, args=(q, "done"))
    p.start()
    pid = q.get(timeout=3)
    p.terminate()  # warning: MP605 18:5
    print(pid, q.get(timeout=3))
