from multiprocessing import Lock, Process

def append_log(lock, msg):
    with lock:
        with open("log.txt", "a") as f:
            f.write(msg)

def main():
    lock = Lock()
    workers = [Process(target=append_log, args=(lock, str(i))) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.kill()

if __name__ == "__main__":
    main()
