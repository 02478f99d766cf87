from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

def collect(fut):
    print(fut.result())

def main():
    with ProcessPoolExecutor() as ex:
        fut = ex.submit(work, 1)
        fut.add_done_callback(collect)
        return_value = ex.submit(work, 2)
        return return_value

if __name__ == "__main__":
    main()
