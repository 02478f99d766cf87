"""`exclude` / `per-file-ignores` globs, compiled once into one regular expression per list.

A pattern matches a path relative to the config's folder, written with ``/`` (``\\`` in a pattern
is read as ``/`` too, so a pyproject written on Windows works everywhere):

* as a whole (``pkg/gen_*.py``), where ``*`` may cross folders as in ``fnmatch``;
* or any folder above the path (``pkg/legacy`` excludes everything below it; so does
  ``pkg/legacy/**``);
* a bare name without ``/`` (``generated``) matches that file or folder at any depth.

Patterns come from an untrusted ``pyproject.toml``: their number and length are capped by the
config loader (:data:`MAX_PATTERNS`, :data:`MAX_PATTERN_LENGTH`) and stars are translated by
``fnmatch`` into atomic groups, so matching costs time linear in the path, never exponential.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Iterable, Optional

MAX_PATTERNS = 1_000  # per list: `exclude` + `extend-exclude`, `per-file-ignores`
MAX_PATTERN_LENGTH = 1_000  # characters


def normalise(pattern: str) -> str:
    return pattern.replace("\\", "/").rstrip("/")


def _inner(pattern: str) -> str:
    """``fnmatch.translate`` without its ``(?s:...)\\Z`` wrapper, to be embedded."""
    translated = fnmatch.translate(pattern)
    if translated.startswith("(?s:") and translated.endswith(")\\Z"):
        return translated[4:-3]
    return translated  # pragma: no cover - a future fnmatch format: still a valid sub-pattern


def _regex_source(pattern: str) -> str:
    pattern = normalise(pattern)
    core = _inner(pattern)
    if pattern.endswith("/**"):
        core = f"(?:{core}|{_inner(pattern[:-3])})"
    prefix = "(?:.*/)?" if "/" not in pattern else ""
    return f"{prefix}{core}(?:/.*)?"


@lru_cache(maxsize=256)
def compile_globs(patterns: tuple[str, ...], ignore_case: bool = False) -> Optional["re.Pattern[str]"]:
    """One regex matching a path when any of ``patterns`` does; None for no patterns."""
    if not patterns:
        return None
    body = "|".join(f"(?:{_regex_source(p)})" for p in patterns)
    return re.compile(f"(?s:{body})\\Z", re.IGNORECASE if ignore_case else 0)


@lru_cache(maxsize=4 * MAX_PATTERNS)
def compile_glob(pattern: str, ignore_case: bool = False) -> "re.Pattern[str]":
    """One pattern (``per-file-ignores`` matches them one by one: each has its own codes)."""
    return re.compile(f"(?s:{_regex_source(pattern)})\\Z", re.IGNORECASE if ignore_case else 0)


def matches(rel: str, patterns: Iterable[str] | tuple[str, ...], ignore_case: bool = False) -> bool:
    patterns = tuple(patterns)
    if len(patterns) == 1:
        return compile_glob(patterns[0], ignore_case).match(rel.replace("\\", "/")) is not None
    regex = compile_globs(patterns, ignore_case)
    return regex is not None and regex.match(rel.replace("\\", "/")) is not None
