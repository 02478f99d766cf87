# mpguard-fixture: start-method=fork
from multiprocessing import Pool

def score(row, weight):
    return row * weight


def _score_task(r):
    return score(r, 2)


def main(rows):
    with Pool(4) as pool:
        return pool.map(_score_task, rows)  # error: MP201 9:25

if __name__ == "__main__":
    print(main([1, 2, 3]))
