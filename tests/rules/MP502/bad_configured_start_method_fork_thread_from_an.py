# mpguard-fixture: start-method=fork
from multiprocessing import Process
from threading import Thread

def poll():
    pass

def job():
    print("job")

def start_monitor():
    Thread(target=poll, daemon=True).start()

def run_jobs():
    p = Process(target=job)
    p.start()  # warning: MP502 16:5
    p.join()

if __name__ == "__main__":
    start_monitor()
    run_jobs()
