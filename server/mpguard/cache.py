"""A content-addressed result cache for `mpguard check` (like Ruff's): unchanged files are not
re-analysed across runs.

The key covers everything a result depends on: the file's path and text, the effective
configuration (canonicalised), the mpguard version and a fingerprint of mpguard's own source
files (size + mtime of every module, so an edited rule invalidates everything). Entries are small
JSON files under ``$MPGUARD_CACHE_DIR`` or ``$XDG_CACHE_HOME/mpguard`` (``~/.cache/mpguard``).
Any error reading or writing the cache is ignored: the file is simply analysed.

The cache is trusted only as far as it is private (a planted entry could hide a finding or print
escape sequences): its folder is created 0700 and used only when it is a real folder owned by
this user and not writable by others; a relative ``XDG_CACHE_HOME`` is ignored as the XDG spec
says; no symbolic link is followed inside it; every entry is checked (schema, its own key, plain
text without control characters) and a malformed one is treated as a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Optional

from mpguard import __version__
from mpguard.terminal import has_control_characters

_SCHEMA = "check-v2"  # v2: entries carry their key
_FINGERPRINT: Optional[str] = None
_MAX_ENTRY_BYTES = 4_000_000
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_SEVERITIES = ("error", "warning", "info", "hint")


def cache_dir() -> Path:
    env = os.environ.get("MPGUARD_CACHE_DIR")
    if env:
        return Path(os.path.abspath(env))
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # "If an implementation encounters a relative path in any of these variables it should
    # consider the path invalid and ignore it." (XDG Base Directory Specification)
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mpguard"


class UnsafeCacheDir(Exception):
    """The cache folder cannot be trusted; the message says why (one sentence)."""


def _check_private_dir(path: Path) -> None:
    """``path`` must be a real folder (no link), owned by this user, writable by nobody else."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeCacheDir(f"mpguard: cache folder {path} is a symbolic link; cache not used")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeCacheDir(f"mpguard: cache folder {path} is not a folder; cache not used")
    if not hasattr(os, "geteuid"):
        return  # Windows: the profile folder's ACL keeps it private
    if st.st_uid != os.geteuid():
        raise UnsafeCacheDir(f"mpguard: cache folder {path} belongs to another user; cache not used")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
            raise UnsafeCacheDir(f"mpguard: cache folder {path} is writable by everyone; cache not used")
        os.chmod(path, 0o700)  # ours: made private (an older mpguard created it 0755)


def _check_parent(parent: Path) -> None:
    """The folder a new cache folder is created in: nobody else may swap it under us."""
    if not hasattr(os, "geteuid"):
        return
    st = os.stat(parent)
    if st.st_uid not in (os.geteuid(), 0):
        raise UnsafeCacheDir(f"mpguard: cache folder {parent} belongs to another user; cache not used")
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        raise UnsafeCacheDir(f"mpguard: cache folder {parent} is writable by everyone; cache not used")


def _private_mkdir(path: Path) -> None:
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    _check_private_dir(path)


def _code_fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        h = hashlib.sha256(__version__.encode())
        root = Path(__file__).resolve().parent
        for p in sorted(root.rglob("*.py")):
            try:
                st = p.stat()
            except OSError:
                continue
            h.update(f"{p.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def _canon(obj: Any) -> Any:
    """A deterministic, JSON-able form (sets sorted: their order depends on the hash seed)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _canon(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (set, frozenset)):
        return sorted((_canon(x) for x in obj), key=repr)
    if isinstance(obj, dict):
        return sorted(((repr(k), _canon(v)) for k, v in obj.items()), key=lambda kv: kv[0])
    if isinstance(obj, (list, tuple)):
        return [_canon(x) for x in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return repr(obj)


class ResultCache:
    def __init__(self, directory: Optional[Path] = None) -> None:
        self.root = directory or cache_dir()
        self.dir = self.root / _SCHEMA
        self.hits = 0
        self.misses = 0
        self.warning: Optional[str] = None  # why the cache is not used, for stderr
        self._usable: Optional[bool] = None

    def usable(self) -> bool:
        """Whether the cache folder is private (created if missing); checked once."""
        if self._usable is None:
            try:
                if not os.path.lexists(self.root):
                    self.root.parent.mkdir(parents=True, exist_ok=True)
                    _check_parent(self.root.parent)
                _private_mkdir(self.root)
                _private_mkdir(self.dir)
                self._usable = True
            except UnsafeCacheDir as exc:
                self.warning = str(exc)
                self._usable = False
            except OSError:
                self._usable = False  # read-only home, full disk...: run without a cache
        return self._usable

    def key(self, path: str, text: str, config: Any) -> Optional[str]:
        try:
            h = hashlib.sha256()
            h.update(_code_fingerprint().encode())
            h.update(json.dumps(_canon(config), sort_keys=True, default=repr).encode())
            h.update(b"\0" + path.encode("utf-8", "surrogatepass") + b"\0")
            h.update(text.encode("utf-8", "surrogatepass"))
            return h.hexdigest()
        except Exception:  # noqa: BLE001 - no key, no caching
            return None

    def _file(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Optional[dict]:
        got = self._load(key) if _valid_key(key) and self.usable() else None
        if got is None:
            self.misses += 1
            return None
        self.hits += 1
        return got

    def _load(self, key: str) -> Optional[dict]:
        path = self._file(key)
        try:
            _check_private_dir(path.parent)  # a shard replaced by a link is not read through
            fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_BINARY)
        except (OSError, UnsafeCacheDir):
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_ENTRY_BYTES:
                return None
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                return None
            data = os.read(fd, _MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            got = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        return got if valid_entry(got, key) else None

    def put(self, key: str, findings: list, warnings: list) -> None:
        if not _valid_key(key) or not self.usable():
            return
        target = self._file(key)
        tmp = target.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            _private_mkdir(target.parent)  # refuses a shard replaced by a link
            data = json.dumps({"schema": _SCHEMA, "key": key, "findings": findings, "warnings": warnings})
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except (OSError, UnsafeCacheDir, TypeError, ValueError):
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _valid_key(key: Any) -> bool:
    return isinstance(key, str) and len(key) == 64 and all(c in "0123456789abcdef" for c in key)


def _plain(value: Any) -> bool:
    return isinstance(value, str) and not has_control_characters(value)


def _valid_range(rng: Any) -> bool:
    if not isinstance(rng, dict):
        return False
    for end in ("start", "end"):
        pos = rng.get(end)
        if not isinstance(pos, dict):
            return False
        if not all(type(pos.get(k)) is int and pos[k] >= 0 for k in ("line", "column")):
            return False
    return True


def valid_finding(f: Any) -> bool:
    """A finding as ``Finding.to_json`` writes it (notebook findings add ``cell``)."""
    if not isinstance(f, dict):
        return False
    if not all(_plain(f.get(k)) for k in ("path", "code", "name", "message")):
        return False
    if f.get("severity") not in _SEVERITIES or not _valid_range(f.get("range")):
        return False
    if "cell" in f and type(f["cell"]) is not int:
        return False
    related, fixes = f.get("related", []), f.get("fixes", [])
    if not isinstance(related, list) or not isinstance(fixes, list):
        return False
    if not all(isinstance(r, dict) and _plain(r.get("message")) and _valid_range(r.get("range")) for r in related):
        return False
    return all(isinstance(x, dict) and _plain(x.get("title")) and x.get("safety") in ("safe", "unsafe")
               for x in fixes)


def valid_entry(got: Any, key: str) -> bool:
    """Schema, its own key (an entry copied under another name is refused), plain text only."""
    if not isinstance(got, dict) or got.get("schema") != _SCHEMA or got.get("key") != key:
        return False
    findings, warnings = got.get("findings"), got.get("warnings")
    if not isinstance(findings, list) or not isinstance(warnings, list):
        return False
    return all(valid_finding(f) for f in findings) and all(_plain(w) for w in warnings)
