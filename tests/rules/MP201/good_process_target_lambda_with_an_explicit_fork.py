import multiprocessing as mp

def main():
    ctx = mp.get_context("fork")
    p = ctx.Process(target=lambda: print("child"))
    p.start()
    p.join()

if __name__ == "__main__":
    main()
