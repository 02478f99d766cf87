from multiprocessing import Process, Manager

def monitor(stats):
    mgr = Manager()  # error: MP606 4:11
    shared = mgr.dict()
    shared.update(stats)

if __name__ == "__main__":
    p = Process(target=monitor, args=({"a": 1},), daemon=True)
    p.start()
    p.join()
