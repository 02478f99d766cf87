import pebble


def score_all(items, weight):
    @pebble.concurrent.process  # error: MP202 5:5
    def score(item):
        return item * weight

    futures = [score(i) for i in items]
    return [f.result() for f in futures]


if __name__ == "__main__":
    print(score_all([1, 2], 3))
