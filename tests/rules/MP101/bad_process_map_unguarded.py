from tqdm.contrib.concurrent import process_map


def checksum(path):
    with open(path, "rb") as fh:
        return sum(fh.read())


results = process_map(checksum, ["a.bin", "b.bin"], max_workers=2)  # error: MP101 9:11
print(results)
