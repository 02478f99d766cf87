from multiprocessing import Manager

if __name__ == "__main__":
    manager = Manager()  # error: MP101 2:11
    shared = manager.dict()
