# mpguard-fixture: target-version=py314
from concurrent.futures import InterpreterPoolExecutor

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

if __name__ == "__main__":
    with InterpreterPoolExecutor() as ex:
        print(list(ex.map(fib, range(25))))
