import multiprocessing


def run(values, offset):
    def shift(v):
        return v + offset

    with multiprocessing.Pool(2) as pool:
        a = pool.map(shift, values)  # expect: MP202
        b = pool.map(lambda v: v * 2, values)  # expect: MP201
        c = pool.map(abs, values)
        d = sorted(values, key=lambda v: -v)
    return a, b, c, d


if __name__ == "__main__":
    print(run([1, -2, 3], 1))
