# mpguard-fixture: start-method=fork
import multiprocessing as mp

def job():
    print("work")

if __name__ == "__main__":
    p = mp.Process(target=lambda: job())
    p.start()
    p.join()
