# mpguard-fixture: start-method=fork
import multiprocessing
import functools

ctx = multiprocessing.get_context("spawn")


def _print_target(*, name):
    return print("hello", name)


def launch(name):
    proc = ctx.Process(target=functools.partial(_print_target, name=name), daemon=True)  # error: MP201 7:31
    proc.start()
    return proc
