import multiprocessing

def work(x):  # mpguard: ignore  # warning: MP900 3:15
    return x
