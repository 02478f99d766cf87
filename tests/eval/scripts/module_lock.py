"""Append results of pool tasks to one log file, serialised by a lock."""
import multiprocessing as mp

write_lock = mp.Lock()  # expect: MP507
LOG = "results.log"


def record(item):
    value = item * item
    with write_lock:
        with open(LOG, "a") as f:
            f.write(f"{item} {value}\n")
    return value


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        print(sum(pool.map(record, range(20))))
