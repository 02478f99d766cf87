import asyncio
from concurrent.futures import ProcessPoolExecutor


def work(x):
    return x * 2


async def main():
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(2) as ex:
        print(await loop.run_in_executor(ex, work, 21))


asyncio.run(main())  # error: MP101 15:13
