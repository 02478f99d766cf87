import multiprocessing as mp

def consume(rows, q):
    for r in rows:
        q.put(r)

def main(path):
    q = mp.Queue()
    rows = (line.strip() for line in open(path))
    p = mp.Process(target=consume, args=(rows, q))  # error: MP203 10:42
    p.start()
