from multiprocessing import Manager
manager = Manager()  # error: MP101 2:11
shared = manager.dict()
