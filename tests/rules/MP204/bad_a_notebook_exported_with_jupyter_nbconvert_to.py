from multiprocessing import Pool

get_ipython().run_line_magic("load_ext", "autoreload")

def square(x):
    return x * x

with Pool() as pool:
    print(pool.map(square, range(10)))  # warning: MP204 9:20
