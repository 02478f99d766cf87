"""A lambda as `Process` target under an explicit fork context, where it is inherited, not pickled."""
import multiprocessing


if __name__ == "__main__":
    ctx = multiprocessing.get_context("fork")
    box = ctx.Value("i", 0)
    child = ctx.Process(target=lambda: setattr(box, "value", 42))
    child.start()
    child.join()
    print(box.value, child.exitcode)
