"""mpguard: find Python multiprocessing pitfalls before they fail at run time."""

__version__ = "0.1.0"
