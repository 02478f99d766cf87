# Hand-written fix for MP207_async_task.py: a sync wrapper runs the coroutine in the child.
"""Submit a sync wrapper around an async function to a process pool."""
import asyncio
from concurrent.futures import ProcessPoolExecutor


async def fetch(url):
    await asyncio.sleep(0.01)
    return len(url)


def fetch_sync(url):
    return asyncio.run(fetch(url))


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as ex:
        futures = [ex.submit(fetch_sync, u) for u in ("a.b", "c.d.e")]
        print("lengths:", [f.result() for f in futures])
