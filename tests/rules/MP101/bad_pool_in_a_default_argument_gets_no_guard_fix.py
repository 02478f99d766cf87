from multiprocessing import Pool

def square(x):
    return x * x

def report(results=Pool(2).map(square, range(4))):  # error: MP101 6:20
    print(results)
