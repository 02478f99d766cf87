from pebble import concurrent


@concurrent.process(timeout=60)
def crunch(n):
    return sum(i * i for i in range(n))


if __name__ == "__main__":
    future = crunch(10_000)  # error: MP101 9:10
    print(future.result())
