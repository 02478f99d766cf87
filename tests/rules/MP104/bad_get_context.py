from multiprocessing import get_context
ctx = get_context("fork")  # info: MP104 2:19
