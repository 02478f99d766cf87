from pebble import concurrent


@concurrent.process(timeout=10)
def slow_square(n):
    return n * n


future = slow_square(12)  # expect: MP101
print(future.result())
