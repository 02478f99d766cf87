import logging
import logging.handlers
import multiprocessing as mp

def init(q):
    root = logging.getLogger()
    root.addHandler(logging.handlers.QueueHandler(q))
    root.setLevel(logging.INFO)

def work(x):
    logging.info("item %s", x)
    return x

if __name__ == "__main__":
    q = mp.Queue()
    listener = logging.handlers.QueueListener(q, logging.FileHandler("all.log"))
    listener.start()
    with mp.Pool(2, initializer=init, initargs=(q,)) as pool:
        pool.map(work, range(4))
    listener.stop()
