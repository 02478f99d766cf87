import concurrent.futures as cf

def work(x):
    return x

def main():
    with cf.ProcessPoolExecutor(min(61, 64)) as ex:  # warning: MP607 7:33
        return list(ex.map(work, range(8)))
