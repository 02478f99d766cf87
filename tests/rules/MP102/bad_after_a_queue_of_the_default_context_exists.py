import multiprocessing as mp

if __name__ == "__main__":
    q = mp.Queue()
    mp.set_start_method("spawn")  # error: MP102 5:5
