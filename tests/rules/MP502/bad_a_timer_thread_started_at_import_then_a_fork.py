import multiprocessing as mp
import threading

def tick():
    pass

def child(n):
    print(n)

timer = threading.Timer(30.0, tick)
timer.start()

def spawn_child():
    proc = mp.get_context("fork").Process(target=child, args=(1,))
    proc.start()  # warning: MP502 15:5
    proc.join()

if __name__ == "__main__":
    spawn_child()
