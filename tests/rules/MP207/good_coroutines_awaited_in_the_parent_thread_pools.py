import asyncio
from concurrent.futures import ThreadPoolExecutor

async def fetch(url):
    return len(url)

async def main(urls):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as ex:
        ex.submit(print, "x")
    return await asyncio.gather(*(fetch(u) for u in urls))
