"""dill ships the lambda, but spawned children still import this module and start pools again."""
from p_tqdm import p_map
from pathos.multiprocessing import ProcessingPool as Pool

pool = Pool(4)
squares = pool.map(lambda x: x ** 2, range(10))  # expect: MP101
cubes = p_map(lambda x: x ** 3, range(10))  # expect: MP101
print(squares, cubes)
