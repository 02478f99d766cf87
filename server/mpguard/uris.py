"""Document identity: URIs <-> file-system paths, the same way on Windows, macOS and Linux.

Editors spell one file's URI in several ways: VS Code on Windows sends ``file:///c%3A/Users/...``
(drive colon percent-encoded, drive letter lower-cased), Neovim ``file:///C:/Users/...``, and any
space, ``#`` or non-ASCII letter arrives percent-encoded (``my%20project``, ``caf%C3%A9``). A
document must be found, configured and reported whichever spelling arrives, so:

* :func:`document_key` maps every spelling of a ``file:`` URI to one canonical string (decoded,
  then re-encoded one fixed way, drive letter folded, ``localhost`` dropped). It is idempotent, so
  a key can be looked up as if it were a URI. Other schemes (``untitled:``, notebook cells,
  ``vscode-vfs:``) carry no path semantics mpguard could normalise: they are kept byte for byte.
* :func:`uri_to_path` and :func:`path_to_uri` convert between URIs and paths for a path
  *flavour* (``PureWindowsPath`` or ``PurePosixPath``, default: this machine's), so the Windows
  behaviour is tested on Linux rather than skipped.
* :func:`sarif_location` places a finding's file in SARIF: relative to the source root when it is
  inside it (case-insensitively on Windows), else an absolute ``file:///C:/...`` URI.

No pygls import here: the CLI uses this module too.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Optional, Type
from urllib.parse import quote, unquote

Flavour = Type[PurePath]

NATIVE: Flavour = PureWindowsPath if os.name == "nt" else PurePosixPath

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DRIVE_PATH = re.compile(r"^/([A-Za-z])(:|%3[Aa])")  # "/c:/..." or "/c%3A/..." after the authority
# Characters left as they are in a path: RFC 3986 pchar minus "%" (a literal "%" is encoded).
_PATH_SAFE = "/:@!$&'()*+,;=~"


def _split_file_uri(uri: str) -> Optional[tuple[str, str, str]]:
    """(decoded authority, decoded path, "?query#fragment" as sent) of a ``file:`` URI, else None."""
    m = _SCHEME.match(uri) if isinstance(uri, str) else None
    if m is None or m.group(1).lower() != "file":
        return None
    rest = uri[m.end():]
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    rest, suffix = rest[:cut], rest[cut:]
    authority = ""
    if rest.startswith("//"):
        end = rest.find("/", 2)
        authority, rest = (rest[2:], "") if end < 0 else (rest[2:end], rest[end:])
    authority = unquote(authority).lower()
    if authority == "localhost":  # RFC 8089: file://localhost/x is file:///x
        authority = ""
    return authority, unquote(rest), suffix


def document_key(uri: str) -> str:
    """One string per document, whatever spelling of its URI the client sent.

    ``file:///c%3A/My%20Project/job.py``, ``file:///C:/My Project/job.py`` and
    ``FILE://localhost/c:/My%20Project/job.py`` all give ``file:///c:/My%20Project/job.py``.
    Path case is kept (only the drive letter is folded): two files that differ in case are two
    documents to the editor, even on a case-insensitive file system.
    """
    if not isinstance(uri, str):
        return uri  # a malformed request: no document has this key
    parts = _split_file_uri(uri)
    if parts is None:
        return uri
    authority, path, suffix = parts
    if _DRIVE_PATH.match(path):
        path = "/" + path[1].lower() + path[2:]
    return "file://" + quote(authority, safe="$") + quote(path, safe=_PATH_SAFE) + suffix


def is_file_uri(uri: str) -> bool:
    return _split_file_uri(uri) is not None


def uri_to_path(uri: str, flavour: Flavour = NATIVE) -> Optional[str]:
    """The file-system path of a ``file:`` URI in `flavour`, or None for any other scheme.

    Windows: ``file:///c%3A/Users/x.py`` -> ``C:\\Users\\x.py`` (drive upper-cased, as Python's
    own paths have it), ``file://server/share/x.py`` -> ``\\\\server\\share\\x.py``.
    POSIX: ``file:///tmp/caf%C3%A9/x.py`` -> ``/tmp/café/x.py``, ``file://server/share/x.py`` ->
    ``//server/share/x.py``.
    """
    parts = _split_file_uri(uri)
    if parts is None:
        return None
    authority, path, _suffix = parts  # a query or fragment is no part of a file's path
    if flavour is PureWindowsPath:
        if authority:
            return "\\\\" + authority + path.replace("/", "\\")
        if _DRIVE_PATH.match(path):
            return path[1].upper() + ":" + (path[3:] or "/").replace("/", "\\")
        return path.replace("/", "\\")
    return ("//" + authority + path) if authority else path


def path_to_uri(path: str, flavour: Flavour = NATIVE) -> str:
    """The ``file:`` URI of an absolute path in `flavour` (percent-encoded, drive colon kept).

    ``C:\\My Project\\job.py`` -> ``file:///C:/My%20Project/job.py``; ``\\\\server\\share\\x.py`` ->
    ``file://server/share/x.py``; ``/tmp/a#b/x.py`` -> ``file:///tmp/a%23b/x.py``. A relative
    path raises ValueError, as ``Path.as_uri`` does.
    """
    p = flavour(path)
    if not p.root:
        raise ValueError(f"a relative path has no file URI: {path!r}")
    if flavour is PureWindowsPath:
        drive = p.drive
        rest = p.as_posix()[len(drive):]
        if drive.startswith("\\\\") or drive.startswith("//"):  # UNC: \\server\share
            server, _, share = drive.lstrip("\\/").replace("\\", "/").partition("/")
            return "file://" + quote(server, safe="$") + quote("/" + share + rest, safe=_PATH_SAFE)
        if drive:
            return "file:///" + drive[0].upper() + ":" + quote(rest, safe=_PATH_SAFE)
        return "file://" + quote(rest, safe=_PATH_SAFE)
    text = p.as_posix()
    if text.startswith("//") and not text.startswith("///"):  # POSIX keeps a leading "//"
        server, _, rest = text[2:].partition("/")
        return "file://" + quote(server, safe="$") + quote("/" + rest, safe=_PATH_SAFE)
    return "file://" + quote(text, safe=_PATH_SAFE)


def _parts_below(path: str, folder: str, flavour: Flavour) -> Optional[tuple[str, ...]]:
    """The parts of `path` below `folder` (empty: the folder itself), or None when not inside it.
    Windows compares case-insensitively, as its file systems do."""
    fold = str.lower if flavour is PureWindowsPath else str
    parts, base = flavour(path).parts, flavour(folder).parts
    if len(parts) < len(base) or [fold(x) for x in parts[:len(base)]] != [fold(x) for x in base]:
        return None
    return parts[len(base):]


def relative_uri(path: str, root: str, flavour: Flavour = NATIVE) -> Optional[str]:
    """A relative URI reference (``src/my%20job.py``) for `path` under `root`, else None.

    Windows compares case-insensitively (``C:\\Repo`` contains ``c:\\repo\\x.py``).
    """
    below = _parts_below(path, root, flavour)
    if below is None:
        return None
    return quote("/".join(below), safe=_PATH_SAFE)


def directory_uri(path: str, flavour: Flavour = NATIVE) -> str:
    """The URI of a directory, ending with exactly one ``/`` (a SARIF ``uriBaseId`` needs it)."""
    uri = path_to_uri(path, flavour)
    return uri if uri.endswith("/") else uri + "/"


def sarif_location(path: str, root: str, flavour: Flavour = NATIVE) -> dict:
    """A SARIF ``artifactLocation`` for an absolute `path`: relative to `root` (``%SRCROOT%``)
    when inside it, else the absolute ``file:`` URI."""
    rel = relative_uri(path, root, flavour)
    if rel is not None:
        return {"uri": rel, "uriBaseId": "%SRCROOT%"}
    return {"uri": path_to_uri(path, flavour)}


def same_or_inside(path: str, folder: str, flavour: Flavour = NATIVE) -> bool:
    """Is `path` the folder itself or below it? Case-insensitive for Windows paths."""
    return _parts_below(path, folder, flavour) is not None
