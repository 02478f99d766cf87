from multiprocessing import Process
import time

def heartbeat():
    while True:
        time.sleep(5)

if __name__ == "__main__":
    Process(target=heartbeat, daemon=True).start()
    hb = Process(target=heartbeat)
    hb.daemon = True
    hb.start()
    time.sleep(1)
