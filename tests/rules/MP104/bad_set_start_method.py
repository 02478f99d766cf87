import multiprocessing as mp

if __name__ == "__main__":
    mp.set_start_method("fork")  # hint: MP104 4:25
