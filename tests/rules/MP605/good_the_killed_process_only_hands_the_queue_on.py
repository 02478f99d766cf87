import os
from multiprocessing import Process, Queue


def child_task(q, message):
    q.put(os.getpid())
    q.put(message)


def parent_task(q, message):
    p = Process(target=child_task, args=(q, message))
    p.start()
    p.join()


if __name__ == "__main__":
    q = Queue()
    p = Process(target=parent_task, args=(q, "done"))
    p.start()
    child_pid = q.get(timeout=3)
    p.terminate()  # the parent task never touches the queue: it cannot die holding its lock
    print(child_pid, q.get(timeout=3))
