import multiprocessing as mp

processed = 0

def work(item):
    global processed
    processed += 1  # warning: MP501 7:5
    return item * 2

def main():
    procs = [mp.Process(target=work, args=(i,)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print(f"processed {processed} items")

if __name__ == "__main__":
    main()
