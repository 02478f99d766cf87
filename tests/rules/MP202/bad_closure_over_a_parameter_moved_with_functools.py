# mpguard-fixture: start-method=fork
import multiprocessing as mp

def run(rows, weight):
    # Scale one row by the captured weight.
    def scale(row):
        return [x * weight for x in row]

    with mp.Pool(4) as pool:
        return pool.map(scale, rows)  # error: MP202 10:25
