from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    pool = Pool(4)
    results = pool.map(square, range(10))
    pool.join()  # error: MP604 9:5
    print(results)
