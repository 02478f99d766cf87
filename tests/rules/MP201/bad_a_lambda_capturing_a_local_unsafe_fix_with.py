import concurrent.futures as cf

def main(paths, weight):
    with cf.ProcessPoolExecutor() as ex:
        futures = [ex.submit(lambda p: len(p) * weight, p) for p in paths]  # error: MP201 5:30
        return [f.result() for f in futures]

if __name__ == "__main__":
    main(["a", "bb"], 3)
