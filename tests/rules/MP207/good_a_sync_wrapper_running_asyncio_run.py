import asyncio
from concurrent.futures import ProcessPoolExecutor

async def fetch(url):
    await asyncio.sleep(0.1)
    return len(url)

def fetch_sync(url):
    return asyncio.run(fetch(url))

def main(urls):
    with ProcessPoolExecutor() as ex:
        return list(ex.map(fetch_sync, urls))
