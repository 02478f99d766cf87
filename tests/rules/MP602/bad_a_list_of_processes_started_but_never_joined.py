import multiprocessing as mp

def crunch(i):
    return i * i

def main():
    procs = [mp.Process(target=crunch, args=(i,)) for i in range(4)]
    for p in procs:
        p.start()  # hint: MP602 9:9
    print("launched", len(procs))

if __name__ == "__main__":
    main()
