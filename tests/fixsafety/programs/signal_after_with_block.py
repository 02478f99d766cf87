"""A pool task listens for a go signal that the parent sends only after the `with` block.

Leaving the block terminates the listener, which is what this program wants; waiting for the
task inside the block (`close(); join()` or `.get()`) waits for a signal that never comes.
"""
from multiprocessing import Manager, Pool


def wait_for_go(event):
    event.wait()
    return "released"


if __name__ == "__main__":
    with Manager() as manager:
        go = manager.Event()
        with Pool(1) as pool:
            pool.apply_async(wait_for_go, (go,))
            print("listener submitted")
        go.set()
        print("go sent")
