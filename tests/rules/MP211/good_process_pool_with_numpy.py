# mpguard-fixture: target-version=py314
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def norm(values):
    return float(np.linalg.norm(values))


if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        print(list(ex.map(norm, [[3, 4], [6, 8]])))
