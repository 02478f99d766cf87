import multiprocessing as mp

def worker(tasks, results):
    while True:
        item = tasks.get()
        results.put(item * 2)
        tasks.task_done()

if __name__ == "__main__":
    tasks = mp.JoinableQueue()
    results = mp.Manager().Queue()
    p = mp.Process(target=worker, args=(tasks, results), daemon=True)
    p.start()
    for i in range(5):
        tasks.put(i)
    tasks.join()
    print([results.get() for _ in range(5)])
