"""An asyncio service that offloads CPU work to a process pool, and a batch tool whose guard
sits inside main()."""

import asyncio
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


class Tokenizer:
    def __init__(self, lower):
        self.lower = lower
        self.lock = threading.Lock()

    def __getstate__(self):
        return {"lower": self.lower}

    def __setstate__(self, state):
        self.lower = state["lower"]
        self.lock = threading.Lock()

    def tokenize(self, text):
        return (text.lower() if self.lower else text).split()


def count_words(text):
    return len(text.split())


async def serve(texts):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(2) as ex:
        counts = [await loop.run_in_executor(ex, count_words, t) for t in texts]
    return counts


def batch(texts):
    if __name__ == "__main__":
        with Pool(2) as pool:
            return pool.map(Tokenizer(True).tokenize, texts)
    return None


batch(["A b", "c D"])
asyncio.run(serve(["a b", "c"]))  # expect: MP101
