from multiprocessing import Process

def work():
    print("working")

if __name__ == "__main__":
    work = Process(target=work)  # error: MP210 7:27
    work.start()
    work.join()
