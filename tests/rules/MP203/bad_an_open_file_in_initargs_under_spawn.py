import threading
import multiprocessing as mp

def init(log):
    global LOG
    LOG = log

def main():
    ctx = mp.get_context("spawn")
    with ctx.Pool(2, initializer=init, initargs=(open("run.log", "a"),)) as pool:  # error: MP203 10:50
        pool.map(abs, [1, -2])
