"""A helper process stopped on purpose with `terminate()`: its exit code is -SIGTERM by design."""
import time
from multiprocessing import Process


def sleeper():
    time.sleep(60)


if __name__ == "__main__":
    helper = Process(target=sleeper)
    helper.start()
    helper.terminate()
    helper.join()
    print("helper stopped")
