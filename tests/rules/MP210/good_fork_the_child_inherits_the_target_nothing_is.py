# mpguard-fixture: start-method=fork
from multiprocessing import Process

def work():
    print("working")

if __name__ == "__main__":
    work = Process(target=work)
    work.start()
    work.join()
