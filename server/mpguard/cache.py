"""A content-addressed result cache for `mpguard check` (like Ruff's): unchanged files are not
re-analysed across runs.

The key covers everything a result depends on: the file's path and text, the effective
configuration (canonicalised), the mpguard version and a fingerprint of mpguard's own source
files (size + mtime of every module, so an edited rule invalidates everything). Entries are small
JSON files under ``$MPGUARD_CACHE_DIR`` or ``$XDG_CACHE_HOME/mpguard`` (``~/.cache/mpguard``).
Any error reading or writing the cache is ignored: the file is simply analysed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from mpguard import __version__

_SCHEMA = "check-v1"
_FINGERPRINT: Optional[str] = None


def cache_dir() -> Path:
    env = os.environ.get("MPGUARD_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mpguard"


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
        self.dir = (directory or cache_dir()) / _SCHEMA
        self.hits = 0
        self.misses = 0

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
        try:
            with open(self._file(key), encoding="utf-8") as fh:
                got = json.load(fh)
        except (OSError, ValueError):
            self.misses += 1
            return None
        if not isinstance(got, dict) or not isinstance(got.get("findings"), list):
            self.misses += 1
            return None
        self.hits += 1
        return got

    def put(self, key: str, findings: list, warnings: list) -> None:
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"findings": findings, "warnings": warnings}, fh)
            os.replace(tmp, target)
        except OSError:
            pass
