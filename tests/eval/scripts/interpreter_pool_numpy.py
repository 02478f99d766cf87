# mpguard-eval: target-version=py314
"""Compute vector norms in parallel with the interpreter pool of Python 3.14."""
from concurrent.futures import InterpreterPoolExecutor

import numpy as np


def norm(values):
    return float(np.linalg.norm(values))


def norms(rows):
    with InterpreterPoolExecutor(max_workers=4) as ex:
        return list(ex.map(norm, rows))  # expect: MP211


if __name__ == "__main__":
    print(norms([[3, 4], [6, 8]]))
