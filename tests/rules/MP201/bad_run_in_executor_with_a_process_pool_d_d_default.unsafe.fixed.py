import asyncio
from concurrent.futures import ProcessPoolExecutor
import functools


def _upper_task(*, d):
    return d.upper()


async def render_all(docs):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as pool:
        jobs = [loop.run_in_executor(pool, functools.partial(_upper_task, d=d)) for d in docs]  # error: MP201 7:44
        return await asyncio.gather(*jobs)
