import concurrent.futures as cf

def upload(page):
    return page

def main(pages):
    with cf.ProcessPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(upload, p) for p in pages]  # warning: MP401 8:17
        done, _ = cf.wait(futs)
        print(len(done), "uploaded")

if __name__ == "__main__":
    main([1, 2, 3])
