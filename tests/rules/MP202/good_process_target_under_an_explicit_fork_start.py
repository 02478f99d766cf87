import multiprocessing as mp

def main():
    def child():
        print("forked")
    p = mp.Process(target=child)
    p.start()
    p.join()

if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
