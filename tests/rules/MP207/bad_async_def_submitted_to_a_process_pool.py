import asyncio
from concurrent.futures import ProcessPoolExecutor

async def fetch(url):
    await asyncio.sleep(0.1)
    return len(url)

def main(urls):
    with ProcessPoolExecutor() as ex:
        futures = [ex.submit(fetch, u) for u in urls]  # error: MP207 10:30
        return [f.result() for f in futures]
