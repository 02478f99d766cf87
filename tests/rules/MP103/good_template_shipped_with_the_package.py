import os
from importlib.resources import files
from multiprocessing import Process

with open(files("mypackage.dashboard") / "templates" / "bar.html") as fp:
    BAR_HTML = fp.read()

with open(os.path.join(os.path.dirname(__file__), "defaults.cfg")) as fp:
    DEFAULTS = fp.read()


def serve():
    return BAR_HTML + DEFAULTS


def start():
    p = Process(target=serve)
    p.start()
    return p
