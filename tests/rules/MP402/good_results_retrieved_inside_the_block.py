from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        results = [pool.apply_async(square, (i,)) for i in range(10)]
        print([r.get(timeout=5) for r in results])
        for value in pool.imap(square, range(5)):
            print(value)
