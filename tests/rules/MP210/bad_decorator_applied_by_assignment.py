from multiprocessing import Pool

def timed(fn):
    def wrapper(*a):
        return fn(*a)
    return wrapper

def square(x):
    return x * x

square = timed(square)

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(square, range(3)))  # error: MP210 15:24
