import multiprocessing as mp

try:
    mp.get_context("fork")
    FORK_AVAILABLE = True
except ValueError:
    FORK_AVAILABLE = False
