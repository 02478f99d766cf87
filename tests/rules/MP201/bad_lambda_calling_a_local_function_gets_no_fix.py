from multiprocessing import Pool

def main(scale):
    factor = scale
    def shift(x):
        return x
    with Pool(2) as pool:
        print(pool.map(lambda x: shift(x) * factor, range(4)))  # error: MP201 8:24

if __name__ == "__main__":
    main(2)
