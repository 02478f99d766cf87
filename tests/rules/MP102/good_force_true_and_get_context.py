import multiprocessing as mp
mp.set_start_method("spawn", force=True)
ctx = mp.get_context("forkserver")
