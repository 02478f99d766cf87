import multiprocessing as mp
import time

def poll():
    while True:
        time.sleep(1)

def main():
    ctx = mp.get_context("spawn")
    watcher = ctx.Process(target=poll)
    watcher.start()  # hint: MP602 11:5
    time.sleep(3)
    watcher.terminate()

if __name__ == "__main__":
    main()
