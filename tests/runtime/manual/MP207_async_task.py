# proof: MP207
# fails-with: cannot pickle 'coroutine' object
# expect-output: lengths: [3, 5]
"""Submit an async function to a process pool."""
import asyncio
from concurrent.futures import ProcessPoolExecutor


async def fetch(url):
    await asyncio.sleep(0.01)
    return len(url)


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as ex:
        futures = [ex.submit(fetch, u) for u in ("a.b", "c.d.e")]
        print("lengths:", [f.result() for f in futures])
