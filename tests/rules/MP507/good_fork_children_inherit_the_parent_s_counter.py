# mpguard-fixture: start-method=fork
import multiprocessing as mp

counter = mp.Value("i", 0)

def count(n):
    with counter.get_lock():
        counter.value += n

if __name__ == "__main__":
    p = mp.Process(target=count, args=(5,))
    p.start()
    p.join()
