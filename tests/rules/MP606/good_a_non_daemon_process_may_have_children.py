import multiprocessing as mp

def child():
    print("child")

def supervisor():
    helper = mp.Process(target=child)
    helper.start()
    helper.join()

if __name__ == "__main__":
    sup = mp.Process(target=supervisor)
    sup.start()
    sup.join()
