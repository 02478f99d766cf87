import sys
from multiprocessing import Process

def report(n):
    print("worker", n, "done")  # warning: MP603 5:5

if __name__ == "__main__":
    sys.stdout = open("run.log", "w")
    procs = [Process(target=report, args=(i,)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
