"""Run a script as __main__ with the `spawn` start method (the default on Windows and macOS).

    python run_spawn.py SCRIPT [ARGS...]

runpy puts the script's module into sys.modules['__main__'] while it runs, so spawned children
re-import SCRIPT (as __mp_main__) exactly as with `python SCRIPT` on macOS/Windows.
"""
import multiprocessing
import runpy
import sys

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
