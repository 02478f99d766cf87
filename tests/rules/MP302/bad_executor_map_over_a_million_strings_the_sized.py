from concurrent.futures import ProcessPoolExecutor

def normalize(s):
    return s.lower()

if __name__ == "__main__":
    words = [f"Word{i}" for i in range(1_000_000)]
    with ProcessPoolExecutor(max_workers=4) as ex:
        out = list(ex.map(normalize, words))  # hint: MP302 9:20
