from tqdm.contrib import concurrent


def word_count(path):
    with open(path) as fh:
        return len(fh.read().split())


counts = concurrent.process_map(word_count, ["a.txt", "b.txt"], chunksize=1)  # expect: MP101
print(sum(counts))
