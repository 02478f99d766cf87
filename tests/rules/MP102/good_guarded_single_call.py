import multiprocessing as mp

def work(x):
    return x

if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(2) as p:
        p.map(work, [1])
