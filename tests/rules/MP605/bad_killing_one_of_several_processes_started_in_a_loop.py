from multiprocessing import Lock, Process

def append_log(lock, msg):
    with lock:
        with open("log.txt", "a") as f:
            f.write(msg)

def main():
    lock = Lock()
    workers = []
    for i in range(4):
        w = Process(target=append_log, args=(lock, str(i)))
        w.start()
        workers.append(w)
    w.kill()  # warning: MP605 15:5
    for w in workers[:-1]:
        w.join()

if __name__ == "__main__":
    main()
