from multiprocessing import Process, Queue


def child(q, message):
    q.put(message)


def parent(q, message):
    q.put("parent started")
    p = Process(target=child, args=(q, message))
    p.start()
    p.join()


if __name__ == "__main__":
    q = Queue()
    p = Process(target=parent, args=(q, "done"))
    p.start()
    p.terminate()  # warning: MP605 19:5
    print(q.get(timeout=3))
