# mpguard-eval: target-version=py312
"""Fan out over a workstation's cores (128 on the build server)."""
import os
from multiprocessing import Pool


def compile_unit(path):
    return path + ".o"


def build(paths):
    with Pool(processes=os.cpu_count()) as pool:  # expect: MP607
        return pool.map(compile_unit, paths)


def build_capped(paths):
    with Pool(processes=min(61, os.cpu_count() or 1)) as pool:
        return pool.map(compile_unit, paths)


if __name__ == "__main__":
    print(build(["a.c", "b.c"]), build_capped(["c.c"]))
