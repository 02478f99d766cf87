# mpguard-fixture: start-method=fork
import multiprocessing

ctx = multiprocessing.get_context("spawn")

def launch(name):
    proc = ctx.Process(target=lambda: print("hello", name), daemon=True)  # error: MP201 7:31
    proc.start()
    return proc
