from multiprocessing import Pool

class ConfigError(Exception):
    def __init__(self, key, reason):
        super().__init__(f"{key}: {reason}")

def load_config(path):
    raise ConfigError(path, "missing")

def work(x):
    try:
        helper(x)
    except ConfigError:
        return None
    return x

def helper(x):
    if x < 0:
        raise ConfigError(x, "negative")

if __name__ == "__main__":
    try:
        load_config("app.toml")
    except ConfigError as e:
        print(e)
    with Pool(2) as pool:
        print(pool.map(work, [1, -1]))
