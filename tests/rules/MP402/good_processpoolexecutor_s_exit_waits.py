from concurrent.futures import ProcessPoolExecutor

def square(x):
    return x * x

if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        futs = [ex.submit(square, i) for i in range(10)]
    print([f.result() for f in futs])
