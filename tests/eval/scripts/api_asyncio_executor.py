"""An aiohttp-style service that offloads CPU work to a process pool."""
import asyncio
import hashlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def digest(blob):
    return hashlib.sha256(blob).hexdigest()


async def main(blobs):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2) as pool, ThreadPoolExecutor() as threads:
        for blob in blobs:
            first = await loop.run_in_executor(pool, digest, blob)
            second = await loop.run_in_executor(pool, lambda: digest(blob[::-1]))  # expect: MP201
            third = await loop.run_in_executor(threads, lambda: digest(blob))
            fourth = await loop.run_in_executor(None, lambda: digest(blob))
            print(first, second, third, fourth)


if __name__ == "__main__":
    asyncio.run(main([b"data"]))
