from multiprocessing import Pool


def work(x):
    return x * 2


def main():
    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(work, [1, 2, 3]))


main()
