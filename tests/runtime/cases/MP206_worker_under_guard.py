# proof: MP206
# fails-with: Can't get attribute 'summarize'|BrokenProcessPool
# expect-output: word counts: [2, 3]
"""The worker is defined under the guard, so spawned children cannot find it."""
from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    # count the words of one text
    def summarize(text):
        return len(text.split())

    with ProcessPoolExecutor(max_workers=2) as ex:
        print("word counts:", list(ex.map(summarize, ["a b", "c d e"])))
