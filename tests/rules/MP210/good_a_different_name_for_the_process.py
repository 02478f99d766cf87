from multiprocessing import Process

def work():
    print("working")

if __name__ == "__main__":
    proc = Process(target=work)
    proc.start()
    proc.join()
