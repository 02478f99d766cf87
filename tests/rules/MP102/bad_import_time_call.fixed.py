import multiprocessing as mp

def work(x):
    return x

if __name__ == "__main__":
    mp.set_start_method("spawn")  # error: MP102 6:1
    with mp.Pool(2) as p:
        print(p.map(work, [1, 2]))
