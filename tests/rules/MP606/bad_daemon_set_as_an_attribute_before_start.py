import multiprocessing

def child():
    print("child")

def supervisor():
    helper = multiprocessing.Process(target=child)
    helper.start()  # error: MP606 8:5
    helper.join()

if __name__ == "__main__":
    sup = multiprocessing.Process(target=supervisor)
    sup.daemon = True
    sup.start()
    sup.join()
