"""Which Python the type-aware lane may run: never one from an untrusted workspace.

jedi answers type questions by starting an interpreter (``Environment``): that program runs, and
so do the ``.pth`` files and ``sitecustomize`` of its environment. An interpreter inside the
workspace (``.venv/bin/python``, even a venv whose ``python`` links to a system Python) is code
from the repository being checked, so it runs only when the workspace is *trusted*:

* trusted: the client says so in ``initializationOptions.workspaceTrusted = true`` (VS Code sends
  ``workspace.isTrusted``; other editors' users set it in their own editor configuration). It is
  read from ``initializationOptions`` only, never from ``workspace/configuration``, which a
  repository can supply (``.vscode/settings.json``);
* otherwise (``false`` or absent) an interpreter is refused when its path or the file it links to
  lies inside a workspace folder, or when the path is relative; the server's own Python is used
  instead and the log says why. ``VIRTUAL_ENV`` / ``CONDA_PREFIX`` pointing into the workspace
  are ignored the same way (jedi would otherwise pick them up by default).

jedi is also never left to find a project by itself (see :func:`jedi_project`).

An interpreter outside every workspace folder (``/usr/bin/python3``, ``~/.venvs/x/bin/python``)
was chosen by the user, not by the repository, and is used in both cases.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any, Iterable, Optional

log = logging.getLogger("mpguard.trust")

TRUST_OPTION = "workspaceTrusted"

_lock = threading.Lock()
_trusted: Optional[bool] = None
_roots: tuple[str, ...] = ()
_refused: set[tuple[str, str]] = set()  # logged once each


def configure(trusted: Optional[bool], roots: Iterable[str] = ()) -> None:
    global _trusted, _roots
    with _lock:
        _trusted = trusted
        _roots = tuple(os.path.realpath(r) for r in roots if r)
        _refused.clear()


def workspace_trusted() -> bool:
    return _trusted is True


def configure_from_initialize(params: Any) -> Any:
    """Read the trust flag and the workspace folders from LSP ``InitializeParams``; return the
    ``initializationOptions`` without the flag (so the settings parser does not call it unknown)."""
    options = getattr(params, "initialization_options", None)
    trusted: Optional[bool] = None
    if isinstance(options, dict):
        options = dict(options)
        flag = options.pop(TRUST_OPTION, None)
        inner = options.get("mpguard")
        if flag is None and isinstance(inner, dict) and TRUST_OPTION in inner:
            inner = dict(inner)
            flag = inner.pop(TRUST_OPTION)
            options["mpguard"] = inner
        trusted = flag if isinstance(flag, bool) else None
        if flag is not None and trusted is None:
            log.warning("mpguard: initializationOptions.%s must be true or false; treated as false", TRUST_OPTION)
    configure(trusted, _workspace_paths(params))
    return options


def _workspace_paths(params: Any) -> list[str]:
    from pygls.uris import to_fs_path

    uris = [f.uri for f in (getattr(params, "workspace_folders", None) or [])]
    if getattr(params, "root_uri", None):
        uris.append(params.root_uri)
    paths = []
    for uri in uris:
        try:
            path = to_fs_path(uri)
        except Exception:  # noqa: BLE001 - not a file URI: no folder to protect
            path = None
        if path:
            paths.append(path)
    root_path = getattr(params, "root_path", None)
    if root_path:
        paths.append(root_path)
    return paths


def _inside(path: str, roots: Iterable[str]) -> Optional[str]:
    from mpguard.config import _case_insensitive_fs

    for root in roots:
        fold = _case_insensitive_fs(root)  # macOS: realpath() keeps the case it was given
        a, b = (root.casefold(), path.casefold()) if fold else (root, path)
        try:
            if os.path.commonpath([a, b]) == a:
                return root
        except ValueError:  # different drives
            continue
    return None


def refusal(interpreter: str, root: Optional[str] = None) -> Optional[str]:
    """Why ``interpreter`` must not run (one sentence for the log), or None when it may."""
    if _trusted is True:
        return None
    if not os.path.isabs(os.path.expanduser(interpreter)):
        return f"the interpreter path {interpreter!r} is relative and the workspace is not trusted"
    roots = set(_roots)
    if root:
        roots.add(os.path.realpath(root))
    for candidate in _link_chain(os.path.abspath(os.path.expanduser(interpreter))):
        inside = _inside(candidate, roots)
        if inside is not None:
            return f"{interpreter} is inside the workspace {inside}, which is not trusted"
    return None


def _link_chain(path: str) -> list[str]:
    """Every place ``path`` leads through: each symbolic-link hop and the real folder holding it
    (Python finds a venv's ``pyvenv.cfg`` next to the path it was started as, not the target)."""
    seen: list[str] = []
    for _ in range(40):  # the kernel's own limit on link hops
        seen += [path, os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))]
        if not os.path.islink(path):
            break
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    seen.append(os.path.realpath(path))
    return seen


def choose_interpreter(interpreter: Optional[str], root: Optional[str] = None) -> Optional[str]:
    """The interpreter jedi may start: ``interpreter`` when allowed, mpguard's own Python when
    not (or when ``VIRTUAL_ENV`` / ``CONDA_PREFIX`` point into an untrusted workspace), None for
    jedi's default environment."""
    if interpreter:
        reason = refusal(interpreter, root)
        if reason is None:
            return interpreter
        _log_refusal(interpreter, reason)
        return sys.executable
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):  # what jedi's default environment would run
        value = os.environ.get(var)
        if value and os.path.realpath(value) != os.path.realpath(sys.prefix):
            reason = refusal(value, root)
            if reason is not None:
                _log_refusal(f"${var}={value}", reason)
                return sys.executable
    return None


_environments: dict[str, Any] = {}


def jedi_environment(interpreter: Optional[str], root: Optional[str] = None) -> Any:
    """The jedi environment for :func:`choose_interpreter`'s answer (created once per path: it
    starts a subprocess); None for jedi's default."""
    chosen = choose_interpreter(interpreter, root)
    if chosen is None:
        return None
    env = _environments.get(chosen)
    if env is None:
        import jedi

        # jedi's own "safe" check still applies to what the user chose; mpguard's Python is ours.
        env = jedi.create_environment(chosen, safe=chosen != sys.executable)
        _environments[chosen] = env
    return env


def jedi_project(root: Optional[str], path: Optional[str] = None) -> Any:
    """Always an explicit jedi ``Project``: left to itself, jedi looks for ``.jedi/project.json``
    above the file and takes from it an ``environment_path`` (started without jedi's safety
    check) and ``load_unsafe_extensions`` (imports compiled modules found in the tree)."""
    import jedi

    folder = root or (os.path.dirname(os.path.abspath(path)) if path else os.getcwd())
    return jedi.Project(folder, load_unsafe_extensions=False)


def _log_refusal(what: str, reason: str) -> None:
    with _lock:
        if (what, reason) in _refused:
            return
        _refused.add((what, reason))
    log.warning("not running %s for type inference: %s; using mpguard's own Python instead "
                "(trust the workspace to use it)", what, reason)
