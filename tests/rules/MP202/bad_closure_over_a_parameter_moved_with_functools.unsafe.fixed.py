# mpguard-fixture: start-method=fork
import multiprocessing as mp
import functools


# Scale one row by the captured weight.
def scale(row, *, weight):
    return [x * weight for x in row]


def run(rows, weight):
    with mp.Pool(4) as pool:
        return pool.map(functools.partial(scale, weight=weight), rows)  # error: MP202 10:25
