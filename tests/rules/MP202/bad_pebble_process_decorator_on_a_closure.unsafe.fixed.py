import pebble


@pebble.concurrent.process  # error: MP202 5:5
def score(item, *, weight):
    return item * weight


def score_all(items, weight):
    futures = [score(i, weight=weight) for i in items]
    return [f.result() for f in futures]


if __name__ == "__main__":
    print(score_all([1, 2], 3))
