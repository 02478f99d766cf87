from concurrent.futures import ProcessPoolExecutor

def crunch(n):
    return n ** 2

def main(numbers):
    with ProcessPoolExecutor(max_workers=4) as executor:  # warning: MP601 7:16
        futures = [executor.submit(crunch, n) for n in numbers]
    return [f.result() for f in futures]
