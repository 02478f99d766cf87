"""Resize a folder of images in parallel (a script with the classic missing guard)."""
import os
import sys
from multiprocessing import Pool


def resize(path):
    # pretend to resize; returns the new size
    return path, os.path.getsize(path) // 2 if os.path.exists(path) else 0


folder = sys.argv[1] if len(sys.argv) > 1 else "."
paths = [os.path.join(folder, name) for name in sorted(os.listdir(folder))]

pool = Pool(4)
for path, size in pool.map(resize, paths):
    print(f"{path}: {size} bytes")
pool.join()
