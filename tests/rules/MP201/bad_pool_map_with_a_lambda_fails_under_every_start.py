# mpguard-fixture: start-method=fork
from multiprocessing import Pool

def score(row, weight):
    return row * weight

def main(rows):
    with Pool(4) as pool:
        return pool.map(lambda r: score(r, 2), rows)  # error: MP201 9:25

if __name__ == "__main__":
    print(main([1, 2, 3]))
