# mpguard-fixture: target-version=py314
from concurrent.futures import InterpreterPoolExecutor

import numpy as np

def norm(values):
    return float(np.linalg.norm(values))

if __name__ == "__main__":
    with InterpreterPoolExecutor() as ex:
        print(list(ex.map(norm, [[3, 4], [6, 8]])))  # warning: MP211 11:27
