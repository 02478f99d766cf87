import multiprocessing as mp

def work(x):
    return x

mp.set_start_method("spawn")  # error: MP102 6:1

if __name__ == "__main__":
    with mp.Pool(2) as p:
        print(p.map(work, [1, 2]))
