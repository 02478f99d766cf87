from multiprocessing import Pool

class RetryError(Exception):
    def __init__(self, attempt, cause):
        super().__init__(f"attempt {attempt}: {cause}")
        self.args = (attempt, cause)

class StepError(Exception):
    def __init__(self, step):
        super().__init__(step)

def run(step):
    if step == 3:
        raise RetryError(step, "io")
    raise StepError(f"step {step}")

if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(run, range(5))
