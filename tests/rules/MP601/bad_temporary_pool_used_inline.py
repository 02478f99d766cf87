from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    print(Pool(4).map(square, range(10)))  # warning: MP601 7:11
