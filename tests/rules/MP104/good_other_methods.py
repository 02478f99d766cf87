import multiprocessing as mp
ctx = mp.get_context("spawn")
mp.set_start_method("forkserver", force=True)
