"""Writing fixed files back, safely: never a lost update, never a write outside the checked trees.

`mpguard fix` analyses every file first and writes at the end, so a file may change between the
two (the user saved it, a checkout ran, an attacker swapped it for a symbolic link). Right before
writing, :class:`FixWriter` re-checks that the path

* lies inside one of the trees named on the command line (a symbolic link pointing out of them is
  reported and skipped; one pointing to a file inside them is written through, as an editor does),
* is still a regular file holding exactly the text that was analysed (else: skipped, with a note),

and then writes a temporary file next to it and renames it over the original (atomic: a reader sees
the old or the new text, never half of it), keeping the file's mode and, when allowed, its owner.
A file that vanished in between is reported and the run goes on with the others.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
import tokenize
from pathlib import Path
from typing import Iterable, Optional

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows: lstat() below covers it there
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in must not block the open


class SkipWrite(Exception):
    """The file must not be written; the message (one sentence, path first) says why."""


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` in the encoding of ``original`` (PEP 263 cookie or BOM), BOM kept."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
    out = text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if original.startswith(b"\xef\xbb\xbf") and not out.startswith(b"\xef\xbb\xbf"):
        out = b"\xef\xbb\xbf" + out
    return out


def decode_like_reader(data: bytes) -> str:
    from mpguard.sources import decode_source

    return decode_source(data)[0]


class FixWriter:
    """Writes fixed text into files found under ``roots`` (the paths given on the command line:
    a folder is a tree, a named file allows the folder it was named in)."""

    def __init__(self, roots: Iterable[str]) -> None:
        self.roots: list[str] = []
        for raw in roots:
            p = Path(raw)
            base = p if p.is_dir() else p.parent
            self.roots.append(os.path.realpath(base))
        self._written: set[str] = set()

    def write(self, path: str, analysed: str, fixed: str) -> Optional[str]:
        """Write ``fixed`` into ``path`` if it still holds ``analysed``. None when written, else
        the reason it was not (for stderr)."""
        try:
            self._write(path, analysed, fixed)
        except SkipWrite as skip:
            return str(skip)
        except FileNotFoundError:
            return f"{path}: vanished before the fix could be written; skipped"
        except (OSError, UnicodeError, SyntaxError) as exc:
            return f"{path}: could not write the fix: {exc}; skipped"
        return None

    # -- steps ---------------------------------------------------------------------------------

    def _target(self, path: str) -> str:
        """The real file to write: ``path`` itself, or the in-tree file a symbolic link names."""
        real = os.path.realpath(path)
        if not self._inside_roots(real):
            raise SkipWrite(f"{path}: resolves to {real}, outside the checked folders; not rewritten")
        if real in self._written:
            raise SkipWrite(f"{path}: is a link to {real}, which was already fixed; not rewritten")
        return real

    def _inside_roots(self, real: str) -> bool:
        for root in self.roots:
            try:
                if os.path.commonpath([root, real]) == root:
                    return True
            except ValueError:  # different drives on Windows
                continue
        return False

    def _write(self, path: str, analysed: str, fixed: str) -> None:
        target = self._target(path)
        try:
            fd = os.open(target, os.O_RDONLY | _O_NOFOLLOW | _O_BINARY | _O_NONBLOCK)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # swapped for a link after realpath() looked
                raise SkipWrite(f"{path}: became a symbolic link; not rewritten") from None
            raise
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                raise SkipWrite(f"{path}: is not a regular file; not rewritten")
            with os.fdopen(os.dup(fd), "rb") as fh:
                current = fh.read()
        finally:
            os.close(fd)
        try:
            unchanged = decode_like_reader(current) == analysed
        except (UnicodeError, SyntaxError):
            unchanged = False
        if not unchanged:
            raise SkipWrite(f"{path}: changed since it was analysed; not rewritten (run `mpguard fix` again)")
        data = encode_like(current, fixed)
        self._replace(path, target, data, before)
        self._written.add(target)

    def _replace(self, path: str, target: str, data: bytes, before: os.stat_result) -> None:
        folder = os.path.dirname(target)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".", suffix=".mpguard-tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IMODE(before.st_mode))
            _keep_owner(path, tmp, before)
            # Last look: the same file (inode), not modified since it was read, still not a link.
            now = os.lstat(target)
            if (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev) or not stat.S_ISREG(now.st_mode):
                raise SkipWrite(f"{path}: was replaced while being fixed; not rewritten")
            if (now.st_mtime_ns, now.st_size) != (before.st_mtime_ns, before.st_size):
                raise SkipWrite(f"{path}: changed while being fixed; not rewritten (run `mpguard fix` again)")
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        _sync_folder(folder)


def _keep_owner(path: str, tmp: str, before: os.stat_result) -> None:
    """Give the new file the original owner; refuse the write rather than change it."""
    if not hasattr(os, "chown"):
        return  # Windows: the new file inherits the folder's ACL, as any editor's save does
    st = os.stat(tmp)
    if (st.st_uid, st.st_gid) == (before.st_uid, before.st_gid):
        return
    try:
        os.chown(tmp, before.st_uid, before.st_gid)
    except PermissionError:
        try:  # keeping the owner but not the group is what `cp -p` does as a normal user
            os.chown(tmp, -1, before.st_gid)
        except PermissionError:
            pass
        if os.stat(tmp).st_uid != before.st_uid:
            raise SkipWrite(f"{path}: belongs to another user; not rewritten") from None


def _sync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); best effort."""
    if os.name != "posix":
        return
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
