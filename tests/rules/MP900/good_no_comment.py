import multiprocessing
x = 1  # no suppression here
