import multiprocessing


class ConfigurationError(Exception):
    pass


class ForkRunner:
    def __init__(self):
        try:
            self.mp = multiprocessing.get_context("fork")  # hint: MP104 11:51
        except ValueError:
            raise ConfigurationError("the fork start method is required")
