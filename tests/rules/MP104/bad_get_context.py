from multiprocessing import get_context
ctx = get_context("fork")  # hint: MP104 2:19
