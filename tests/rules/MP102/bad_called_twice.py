import multiprocessing as mp

def main():
    mp.set_start_method("spawn")
    mp.set_start_method("forkserver")  # error: MP102 5:5

if __name__ == "__main__":
    main()
