import multiprocessing
x = 1  # mpguard: ignore[MP999]  # warning: MP900 2:8
