"""Configuration: `[tool.mpguard]` in pyproject.toml, CLI flags and editor settings, one model.

Unknown keys, unknown rule codes and bad values never raise: they become warnings (strings that
name the key) that the CLI prints on stderr and the server shows in its log / a notification.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional

from mpguard.catalogue import CATALOGUE, expand_selector
from mpguard.findings import Severity

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - 3.10
    import tomli as tomllib  # type: ignore[no-redef]

START_METHODS = ("spawn", "fork", "forkserver")
KNOWN_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "severity",
    "start-method",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
}
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
)


@dataclass(frozen=True)
class Config:
    select: Optional[frozenset[str]] = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    start_method: str = "spawn"
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    root: Optional[str] = None  # folder of the pyproject.toml the config came from
    warnings: tuple[str, ...] = field(default=(), compare=False)
    unparsable: Optional[str] = field(default=None, compare=False)  # pyproject.toml syntax error

    def enabled_codes(self, path: Optional[str] = None) -> frozenset[str]:
        codes = set(self.select) if self.select is not None else set(CATALOGUE)
        codes -= self.ignore
        if path and self.per_file_ignores:
            rel = self.relative(path)
            for pattern, ignored in self.per_file_ignores:
                if _glob_match(rel, pattern):
                    codes -= ignored
        return frozenset(codes)

    def severity_of(self, code: str, default: Severity) -> Severity:
        for c, sev in self.severity:
            if c == code:
                return sev
        return default

    def relative(self, path: str) -> str:
        p = Path(path)
        if self.root:
            try:
                return p.resolve().relative_to(Path(self.root).resolve()).as_posix()
            except ValueError:
                pass
        return p.as_posix()

    def is_excluded(self, path: str, patterns: bool = True) -> bool:
        """`exclude` globs (relative to the config's folder) when `patterns`; the built-in
        folder names (.git, venvs, site-packages...) are checked by the caller while walking, on
        the part of the path below the folder the user named."""
        if not patterns:
            return False
        rel = self.relative(path)
        return any(_glob_match(rel, pattern) for pattern in self.exclude)

    def with_overrides(self, **settings: Any) -> "Config":
        """Apply CLI flags / editor settings (same keys as pyproject, dashes or camelCase)."""
        merged = _parse_table(settings, source="settings", base=self)
        return merged


def _glob_match(rel: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
        return True
    if pattern.endswith("/**") and (rel == pattern[:-3] or rel.startswith(pattern[:-2])):
        return True
    # A bare name such as "generated" matches that folder anywhere.
    if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in Path(rel).parts):
        return True
    return False


def _codes(value: Any, key: str, warnings: list[str]) -> Optional[set[str]]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)):
        warnings.append(f"mpguard: `{key}` must be a list of rule codes, got {value!r}; ignored")
        return None
    out: set[str] = set()
    for item in value:
        expanded = expand_selector(str(item)) if isinstance(item, str) else None
        if expanded is None:
            warnings.append(f"mpguard: unknown rule code {item!r} in `{key}`; ignored")
            continue
        out |= expanded
    return out


_ALIASES = {
    "startMethod": "start-method",
    "start_method": "start-method",
    "extendSelect": "extend-select",
    "extend_select": "extend-select",
    "perFileIgnores": "per-file-ignores",
    "per_file_ignores": "per-file-ignores",
}


def _parse_table(table: dict, source: str, base: Config) -> Config:
    warnings = list(base.warnings)
    changes: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = _ALIASES.get(raw_key, raw_key)
        if key not in KNOWN_KEYS:
            warnings.append(f"mpguard: unknown key `{raw_key}` in {source}; ignored")
            continue
        if value is None:
            continue
        if key == "select":
            codes = _codes(value, key, warnings)
            if codes is not None:
                changes["select"] = frozenset(codes)
        elif key == "extend-select":
            codes = _codes(value, key, warnings)
            if codes is not None:
                current = changes.get("select", base.select)
                if current is not None:
                    changes["select"] = frozenset(current | codes)
        elif key == "ignore":
            codes = _codes(value, key, warnings)
            if codes is not None:
                changes["ignore"] = frozenset(codes)
        elif key == "severity":
            if not isinstance(value, dict):
                warnings.append(f"mpguard: `severity` must be a table of CODE = level in {source}; ignored")
                continue
            sev = dict(base.severity)
            for code, level in value.items():
                codes = expand_selector(str(code))
                if codes is None:
                    warnings.append(f"mpguard: unknown rule code {code!r} in `severity`; ignored")
                    continue
                try:
                    parsed = Severity.parse(str(level))
                except ValueError:
                    warnings.append(
                        f"mpguard: unknown severity {level!r} for {code} (use error, warning, info or hint); ignored"
                    )
                    continue
                for c in codes:
                    sev[c] = parsed
            changes["severity"] = tuple(sorted(sev.items()))
        elif key == "start-method":
            if str(value) not in START_METHODS:
                warnings.append(
                    f"mpguard: `start-method` must be one of {', '.join(START_METHODS)}, got {value!r}; using {base.start_method}"
                )
                continue
            changes["start_method"] = str(value)
        elif key in ("exclude", "extend-exclude"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                warnings.append(f"mpguard: `{key}` must be a list of glob patterns; ignored")
                continue
            prior = base.exclude if key == "extend-exclude" else ()
            changes["exclude"] = tuple(prior) + tuple(str(v) for v in value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                warnings.append("mpguard: `per-file-ignores` must be a table of glob = [codes]; ignored")
                continue
            entries = []
            for pattern, codes_value in value.items():
                codes = _codes(codes_value, f"per-file-ignores.{pattern}", warnings)
                if codes:
                    entries.append((str(pattern), frozenset(codes)))
            changes["per_file_ignores"] = tuple(entries)
    return replace(base, warnings=tuple(warnings), **changes)


def find_pyproject(start: str | os.PathLike) -> Optional[Path]:
    p = Path(start).resolve()
    if p.is_file() or not p.exists():
        p = p.parent
    for folder in (p, *p.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


_CACHE: dict[str, tuple[float, Config]] = {}


def load_pyproject(pyproject: Path) -> Config:
    key = str(pyproject)
    try:
        mtime = pyproject.stat().st_mtime
    except OSError:
        return Config()
    cached = _CACHE.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    base = Config(root=str(pyproject.parent))
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        base = replace(base, unparsable=f"{pyproject}: {exc}")  # the CLI stops (exit 2), the server warns
        cfg = replace(base, warnings=(f"mpguard: could not read {pyproject}: {exc}; using defaults",))
    else:
        table = data.get("tool", {}).get("mpguard", {})
        if not isinstance(table, dict):
            cfg = replace(base, warnings=(f"mpguard: [tool.mpguard] in {pyproject} is not a table; ignored",))
        else:
            cfg = _parse_table(table, source=str(pyproject), base=base)
    _CACHE[key] = (mtime, cfg)
    return cfg


def config_for(path: str | os.PathLike | None) -> Config:
    """The configuration that applies to a file or folder (nearest pyproject.toml upwards)."""
    if path is None:
        return Config()
    pyproject = find_pyproject(path)
    if pyproject is None:
        return Config()
    return load_pyproject(pyproject)


def invalidate_cache() -> None:
    _CACHE.clear()


def merge_codes(existing: Iterable[str], extra: Iterable[str]) -> frozenset[str]:
    return frozenset(existing) | frozenset(extra)
