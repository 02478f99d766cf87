# proof: MP404
# fails-with: missing 1 required positional argument: 'reason'[\s\S]*BrokenProcessPool
# expect-output: rejected: entry 2: negative amount
"""Post ledger entries in worker processes; a bad entry raises a custom exception."""
from concurrent.futures import ProcessPoolExecutor


class LedgerError(Exception):
    def __init__(self, entry_id, reason):
        super().__init__(f"entry {entry_id}: {reason}")
        self.entry_id = entry_id
        self.reason = reason


def post(entry):
    entry_id, amount = entry
    if amount < 0:
        raise LedgerError(entry_id, "negative amount")
    return amount


if __name__ == "__main__":
    entries = [(1, 10), (2, -5), (3, 7)]
    with ProcessPoolExecutor(max_workers=2) as ex:
        try:
            print("total:", sum(ex.map(post, entries)))
        except LedgerError as exc:
            print("rejected:", exc)
