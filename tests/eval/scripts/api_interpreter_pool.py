# mpguard-eval: target-version=py314
"""Python 3.14's InterpreterPoolExecutor pickles tasks like a process pool."""
from concurrent.futures import InterpreterPoolExecutor


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def run(numbers):
    with InterpreterPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fib, numbers))
        extra = pool.submit(lambda: fib(20)).result()  # expect: MP201
    return results, extra


if __name__ == "__main__":
    print(run([10, 20]))
