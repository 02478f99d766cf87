"""Keep the checked tree out of mpguard's own imports: a linter never runs the code it checks.

Two holes are closed here:

* ``python -m mpguard`` puts the current directory first on ``sys.path`` (the console script puts
  its own ``bin`` folder there instead). :func:`drop_cwd_from_sys_path` removes that entry as soon
  as mpguard takes control, so no later import (``json``, ``multiprocessing``, libcst...) can come
  from a repository checked from its root. What CPython imports *before* mpguard runs (``runpy``
  and its dependencies) is out of reach: ``python -P -m mpguard`` or the console script avoid it.
* Spawned workers start as ``python -c 'from multiprocessing.spawn import spawn_main...'``, and
  ``-c`` also puts the current directory on ``sys.path`` before ``multiprocessing`` is imported;
  the resource tracker starts the same way. :func:`isolated_spawn_context` makes both start with
  ``-I`` (no current directory, no script directory, no ``PYTHON*`` variables, no user site).
  Workers then receive the parent's already-cleaned ``sys.path`` from multiprocessing itself.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Optional

# ProcessPoolExecutor refuses more than 61 workers on Windows (WaitForMultipleObjects' limit);
# mpguard never asks for more anywhere, so a run behaves the same on every platform.
MAX_WORKERS = 61
DEFAULT_MAX_WORKERS = 8


def drop_cwd_from_sys_path() -> None:
    """Remove the entries that make imports come from the current directory: ``''`` / ``'.'``
    anywhere, and the absolute current directory when ``python -m`` put it first."""
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the current directory was deleted: nothing to import from it either
        cwd = None
    path0_is_cwd = not getattr(sys.flags, "safe_path", 0)  # `python -P` (3.11+) adds no path0
    cleaned = []
    for i, entry in enumerate(sys.path):
        if entry in ("", "."):
            continue
        if i == 0 and path0_is_cwd and cwd is not None and _same_dir(entry, cwd):
            continue
        cleaned.append(entry)
    sys.path[:] = cleaned


def _same_dir(entry: str, real_cwd: str) -> bool:
    try:
        return os.path.realpath(entry) == real_cwd
    except (OSError, ValueError):
        return False


def pool_size(requested: Optional[int], cpu_count: Optional[int] = None) -> int:
    """Workers for ``--jobs`` (None: the default): at least 1, at most :data:`MAX_WORKERS`; the
    default is the CPUs this process may use, at most :data:`DEFAULT_MAX_WORKERS`."""
    if requested is None:
        cpus = cpu_count if cpu_count is not None else _usable_cpus()
        return max(1, min(cpus, DEFAULT_MAX_WORKERS))
    return max(1, min(requested, MAX_WORKERS))


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]  # not on macOS/Windows
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def isolated_flags(original: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """Wrap multiprocessing's "flags of this interpreter" so that every child it starts (workers
    and the resource tracker) runs with ``-I``."""
    if getattr(original, "_mpguard_isolated", False):
        return original

    def flags() -> list[str]:
        args = [a for a in original() if a not in ("-E", "-s", "-P")]  # all implied by -I
        if "-I" not in args:
            args.append("-I")
        return args

    flags._mpguard_isolated = True  # type: ignore[attr-defined]
    return flags


def isolated_spawn_context() -> Any:
    """A ``spawn`` multiprocessing context whose children import nothing from the current
    directory. Installs the ``-I`` flag for this (CLI) process's children; idempotent."""
    import multiprocessing
    from multiprocessing import util

    drop_cwd_from_sys_path()  # the children get the parent's sys.path at start-up
    util._args_from_interpreter_flags = isolated_flags(util._args_from_interpreter_flags)  # type: ignore[attr-defined]
    return multiprocessing.get_context("spawn")
