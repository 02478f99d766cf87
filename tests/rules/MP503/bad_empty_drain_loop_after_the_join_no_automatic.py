import multiprocessing as mp

def render(page, queue):
    queue.put(page * 1000)

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=render, kwargs={"page": "x", "queue": q})
    p.start()
    p.join()  # warning: MP503 10:5
    while not q.empty():
        print(len(q.get()))
