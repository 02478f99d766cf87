from multiprocessing import Lock, Pool

log_lock = Lock()  # warning: MP507 3:12

def append(line):
    with log_lock:
        with open("out.log", "a") as f:
            f.write(line + "\n")

if __name__ == "__main__":
    with Pool(4) as pool:
        pool.map(append, ["a", "b", "c"])
