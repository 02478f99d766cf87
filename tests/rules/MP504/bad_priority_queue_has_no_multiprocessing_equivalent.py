import queue
from multiprocessing import Process

def work(tasks):
    print(tasks.get())

if __name__ == "__main__":
    tasks = queue.PriorityQueue()
    tasks.put((1, "first"))
    p = Process(target=work, args=(tasks,))  # error: MP504 10:36
    p.start()
    p.join()
