# proof: MP209
# runner: plain
# fails-with: SemLock created in a fork context
# expect-output: child saw the lock
"""Fixed: the lock comes from the same (spawn) context as the process."""
import multiprocessing as mp


def work(lock):
    with lock:
        print("child saw the lock", flush=True)


if __name__ == "__main__":
    lock = mp.get_context("spawn").Lock()
    spawn = mp.get_context("spawn")
    p = spawn.Process(target=work, args=(lock,))
    p.start()
    p.join()
    raise SystemExit(p.exitcode)
