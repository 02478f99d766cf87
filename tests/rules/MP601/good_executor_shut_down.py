from concurrent.futures import ProcessPoolExecutor

def crunch(n):
    return n

def main(ns):
    ex = ProcessPoolExecutor()
    futs = [ex.submit(crunch, n) for n in ns]
    ex.shutdown(wait=True)
    return [f.result() for f in futs]
