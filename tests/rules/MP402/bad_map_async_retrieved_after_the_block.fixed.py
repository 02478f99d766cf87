from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        result = pool.map_async(square, range(100))  # warning: MP402 8:18
        pool.close()
        pool.join()
    print(sum(result.get(timeout=10)))
