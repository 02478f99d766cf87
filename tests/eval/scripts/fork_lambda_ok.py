import multiprocessing as mp


def helper(v):
    print(v)


if __name__ == "__main__":
    ctx = mp.get_context("fork")  # expect: MP104
    p = ctx.Process(target=lambda: helper(1))
    p.start()
    p.join()
    if p.exitcode != 0:
        raise SystemExit("child failed")
