"""Configuration: `[tool.mpguard]` in pyproject.toml, CLI flags and editor settings, one model.

Unknown keys, unknown rule codes and bad values never raise: they become warnings (strings that
name the key) that the CLI prints on stderr and the server shows in its log / a notification.
A pyproject.toml comes from the checked repository, so it is untrusted input: wrong types anywhere
(``tool = 5``), nesting thousands deep and tens of thousands of globs give a warning naming the
key and the defaults (or the first :data:`mpguard.globs.MAX_PATTERNS` globs), never a traceback
or a hang.

Paths go through one small path layer (:class:`PathLayer`) so that Windows paths (``C:\\...``,
UNC, ``\\`` separators, case-insensitive names) are handled, and tested on Linux, by the same
code: config discovery walks a path's parents with it and ``exclude`` / ``per-file-ignores``
match the path relative to the config's folder, compared case-insensitively on file systems that
are (Windows, macOS by default).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Callable, Iterable, Optional

from mpguard import globs
from mpguard.catalogue import CATALOGUE, expand_selector
from mpguard.findings import Severity
from mpguard.size_limit import DEFAULT_MAX_FILE_SIZE_KB
from mpguard.terminal import escape_for_terminal

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - 3.10
    import tomli as tomllib  # type: ignore[no-redef]

START_METHODS = ("spawn", "fork", "forkserver")
PLATFORMS = ("linux", "macos", "windows")
# The Python versions `target-version` names (Ruff's spelling): the oldest mpguard supports to the
# newest whose multiprocessing behaviour is known.
TARGET_VERSIONS = tuple((3, minor) for minor in range(10, 16))
FORKSERVER_DEFAULT_SINCE = (3, 14)  # gh-84559: Linux's default start method became forkserver
PROCESS_API_KINDS = ("pool", "process", "map", "submit")
PICKLERS = ("pickle", "dill", "cloudpickle")
KNOWN_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "severity",
    "start-method",
    "target-version",
    "platforms",
    "process-apis",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "max-file-size-kb",
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


def version_text(version: tuple[int, int]) -> str:
    """`(3, 14)` -> `"py314"` (the spelling of `target-version`)."""
    return f"py{version[0]}{version[1]}"


def _clamped(version: tuple[int, int]) -> tuple[int, int]:
    return min(max(version, TARGET_VERSIONS[0]), TARGET_VERSIONS[-1])


def running_version() -> tuple[int, int]:
    """The interpreter mpguard runs on, within the range `target-version` knows."""
    return _clamped((sys.version_info[0], sys.version_info[1]))


def platform_default_method(platform: str, version: tuple[int, int]) -> str:
    """The start method multiprocessing uses on `platform` under Python `version` when the
    program does not choose one: spawn on Windows and macOS (3.8+), fork on Linux before 3.14,
    forkserver from 3.14 on."""
    if platform != "linux":
        return "spawn"
    return "forkserver" if version >= FORKSERVER_DEFAULT_SINCE else "fork"


@dataclass(frozen=True)
class ProcessApi:
    """One `[tool.mpguard.process-apis]` declaration: `"mylib.pmap" = { kind = "map" }`."""

    name: str  # the qualified name of the callable, as imported (`mylib.pmap`)
    kind: str  # pool | process | map | submit (PROCESS_API_KINDS)
    pickler: str = "pickle"  # pickle | dill | cloudpickle (PICKLERS)


@dataclass(frozen=True)
class Config:
    select: Optional[frozenset[str]] = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    start_method: Optional[str] = None  # explicit `start-method`; None: each platform's default
    target_version: tuple[int, int] = field(default_factory=running_version)
    platforms: tuple[str, ...] = PLATFORMS
    process_apis: tuple[ProcessApi, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    max_file_size_kb: int = DEFAULT_MAX_FILE_SIZE_KB  # mpguard.size_limit; 0: no limit
    root: Optional[str] = None  # folder of the pyproject.toml the config came from
    warnings: tuple[str, ...] = field(default=(), compare=False)
    unparsable: Optional[str] = field(default=None, compare=False)  # pyproject.toml syntax error
    # Invalid declarations the program cannot run without guessing (an unknown process-API kind):
    # the CLI stops with exit 2; the server shows them (they are in `warnings` too) and goes on.
    errors: tuple[str, ...] = field(default=(), compare=False)

    # ---- target Python and platforms -----------------------------------------------------

    def start_methods_by_platform(self) -> dict[str, str]:
        """The start method processes use on each targeted platform when the program does not
        choose one: `start-method` when configured, else the platform's default for
        `target-version`."""
        if self.start_method:
            return {p: self.start_method for p in self.platforms}
        return {p: platform_default_method(p, self.target_version) for p in self.platforms}

    def default_start_methods(self) -> frozenset[str]:
        return frozenset(self.start_methods_by_platform().values())

    @property
    def default_start_method(self) -> str:
        """The one start method rules reason with: a spawned child's pitfalls exist as soon as
        one targeted platform spawns (spawn, else forkserver), fork's only where all fork."""
        methods = self.default_start_methods()
        for method in ("spawn", "forkserver", "fork"):
            if method in methods:
                return method
        return "spawn"  # no platform targeted: cannot happen through parsing

    def spawn_platforms(self) -> tuple[str, ...]:
        """The targeted platforms whose default start method re-imports the main module in the
        children (spawn or forkserver): where spawn-only rules' pitfalls fail."""
        return tuple(p for p, m in self.start_methods_by_platform().items() if m != "fork")

    def fork_platforms(self) -> tuple[str, ...]:
        return tuple(p for p, m in self.start_methods_by_platform().items() if m == "fork")

    def enabled_codes(self, path: Optional[str] = None) -> frozenset[str]:
        codes = set(self.select) if self.select is not None else set(CATALOGUE)
        codes -= self.ignore
        if path and self.per_file_ignores:
            rel = self.relative(path)
            ignore_case = self.root is not None and _case_insensitive_fs(self.root)
            for pattern, ignored in self.per_file_ignores:
                if globs.matches(rel, (pattern,), ignore_case):
                    codes -= ignored
        return frozenset(codes)

    def severity_of(self, code: str, default: Severity) -> Severity:
        for c, sev in self.severity:
            if c == code:
                return sev
        return default

    def relative(self, path: str) -> str:
        """``path`` relative to the config's folder, with ``/`` (the path itself when outside)."""
        if not self.root:
            return Path(path).as_posix()
        return relative_path(NATIVE, _realpath(str(path)), _realpath(self.root))

    def is_excluded(self, path: str, patterns: bool = True) -> bool:
        """`exclude` globs (relative to the config's folder) when `patterns`; the built-in
        folder names (.git, venvs, site-packages...) are checked by the caller while walking, on
        the part of the path below the folder the user named."""
        if not patterns or not self.exclude:
            return False
        ignore_case = self.root is not None and _case_insensitive_fs(self.root)
        return globs.matches(self.relative(path), self.exclude, ignore_case)

    def with_overrides(self, **settings: Any) -> "Config":
        """Apply CLI flags / editor settings (same keys as pyproject, dashes or camelCase)."""
        merged = _parse_table(settings, source="settings", base=self)
        return merged


def _glob_match(rel: str, pattern: str) -> bool:
    return globs.matches(rel, (pattern,))


# ---- the path layer ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PathLayer:
    """What config discovery and matching need from the file system. ``NATIVE`` is the real one;
    tests build a Windows-flavoured one (``PureWindowsPath`` and a fake file system) on Linux."""

    pure: type  # PurePosixPath or PureWindowsPath
    is_file: Callable[[str], bool]
    is_dir: Callable[[str], bool]
    case_insensitive: Callable[[str], bool]


@lru_cache(maxsize=1024)
def _case_insensitive_fs(folder: str) -> bool:
    """Whether names in ``folder`` compare case-insensitively (Windows; macOS' default APFS/HFS+)."""
    if os.name == "nt":
        return True
    swapped = folder.swapcase()
    if swapped == folder:
        return False
    try:
        return os.path.samefile(folder, swapped)
    except (OSError, ValueError):
        return False


def _realpath(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


NATIVE = PathLayer(type(PurePath()), os.path.isfile, os.path.isdir, _case_insensitive_fs)
WINDOWS_FLAVOUR = PureWindowsPath
POSIX_FLAVOUR = PurePosixPath


def relative_path(layer: PathLayer, path: str, root: str) -> str:
    """``path`` relative to ``root`` with ``/`` separators; ``path`` (with ``/``) when outside.
    Case-insensitive when the layer says ``root``'s file system is."""
    p, r = layer.pure(path), layer.pure(root)
    try:
        return p.relative_to(r).as_posix()  # PureWindowsPath: drive and names ignore case
    except ValueError:
        pass
    if layer.case_insensitive(root) and len(p.parts) >= len(r.parts) and all(
            a.casefold() == b.casefold() for a, b in zip(p.parts, r.parts)):
        return PurePosixPath(*p.parts[len(r.parts):]).as_posix() if len(p.parts) > len(r.parts) else "."
    return p.as_posix()


def find_pyproject_in(layer: PathLayer, start: str) -> Optional[PurePath]:
    """The nearest ``pyproject.toml`` at or above ``start`` (a file or a folder, resolved)."""
    p = layer.pure(start)
    if not layer.is_dir(str(p)):
        p = p.parent
    for folder in (p, *p.parents):
        candidate = folder / "pyproject.toml"
        if layer.is_file(str(candidate)):
            return candidate
    return None


# ---- values from an untrusted file ------------------------------------------------------------

def _describe(value: Any) -> str:
    """A short, safe description of a bad value for a warning (never a deep or huge repr)."""
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    kind = "table" if isinstance(value, dict) else "list" if isinstance(value, list) else type(value).__name__
    return f"a {kind}"


def _codes(value: Any, key: str, warnings: list[str]) -> Optional[set[str]]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)):
        warnings.append(f"mpguard: `{key}` must be a list of rule codes, got {_describe(value)}; ignored")
        return None
    out: set[str] = set()
    for item in value:
        expanded = expand_selector(str(item)) if isinstance(item, str) else None
        if expanded is None:
            warnings.append(f"mpguard: unknown rule code {_describe(item)} in `{key}`; ignored")
            continue
        out |= expanded
    return out


_ALIASES = {
    "startMethod": "start-method",
    "start_method": "start-method",
    "targetVersion": "target-version",
    "target_version": "target-version",
    "processApis": "process-apis",
    "process_apis": "process-apis",
    "extendSelect": "extend-select",
    "extend_select": "extend-select",
    "perFileIgnores": "per-file-ignores",
    "per_file_ignores": "per-file-ignores",
    "maxFileSizeKb": "max-file-size-kb",
    "max_file_size_kb": "max-file-size-kb",
}


def parse_target_version(value: Any) -> Optional[tuple[int, int]]:
    """`"py314"` -> `(3, 14)`; None for anything `target-version` does not accept."""
    if isinstance(value, str):
        for version in TARGET_VERSIONS:
            if value.strip().lower() == version_text(version):
                return version
    return None


_SPECIFIER = re.compile(r"^\s*(>=|~=|==|>|===)\s*v?(\d+)(?:\.(\d+|\*))?")


def requires_python_floor(spec: Any) -> Optional[tuple[int, int]]:
    """The lowest Python `requires-python` allows (`">=3.11,<4"` -> `(3, 11)`), clamped into the
    range of `target-version`; None when it states no lower bound or cannot be read."""
    if not isinstance(spec, str) or len(spec) > 200:
        return None
    floor: Optional[tuple[int, int]] = None
    for clause in spec.split(","):
        m = _SPECIFIER.match(clause)
        if m is None or m.group(2) != "3":
            continue
        minor = int(m.group(3)) if m.group(3) and m.group(3) != "*" else 0
        floor = max(floor or (3, minor), (3, minor))
    return _clamped(floor) if floor is not None else None


def _platforms(value: Any, source: str, base: Config, warnings: list[str]) -> Optional[tuple[str, ...]]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        warnings.append(f"mpguard: `platforms` must be a non-empty list of {', '.join(PLATFORMS)} in "
                        f"{source}, got {_describe(value)}; using {', '.join(base.platforms)}")
        return None
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item.strip().lower() not in PLATFORMS:
            warnings.append(f"mpguard: unknown platform {_describe(item)} in `platforms` "
                            f"(use {', '.join(PLATFORMS)}); ignored")
            continue
        if item.strip().lower() not in out:
            out.append(item.strip().lower())
    return tuple(p for p in PLATFORMS if p in out) or None


_DOTTED_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _process_apis(value: Any, source: str, errors: list[str]) -> tuple[ProcessApi, ...]:
    """The declarations of `process-apis`; every invalid one becomes an error naming its key."""
    if not isinstance(value, dict):
        errors.append(f"mpguard: `process-apis` in {source} must be a table of "
                      f'"module.callable" = {{ kind = ..., pickler = ... }}, got {_describe(value)}')
        return ()
    out: list[ProcessApi] = []
    for name, decl in list(value.items())[:globs.MAX_PATTERNS]:
        where = f'`process-apis."{str(name)[:60]}"` in {source}'
        if not _DOTTED_NAME.match(str(name)):
            errors.append(f"mpguard: {where}: the key must be a qualified name like \"mylib.pmap\"")
            continue
        if not isinstance(decl, dict):
            errors.append(f"mpguard: {where} must be a table like {{ kind = \"map\", pickler = \"pickle\" }}")
            continue
        kind, pickler = decl.get("kind"), decl.get("pickler", "pickle")
        unknown = sorted(str(k)[:40] for k in decl if k not in ("kind", "pickler"))
        if kind not in PROCESS_API_KINDS:
            errors.append(f"mpguard: {where}: unknown kind {_describe(kind)} "
                          f"(use {', '.join(PROCESS_API_KINDS)})")
        elif pickler not in PICKLERS:
            errors.append(f"mpguard: {where}: unknown pickler {_describe(pickler)} (use {', '.join(PICKLERS)})")
        elif unknown:
            errors.append(f"mpguard: {where}: unknown key(s) {', '.join(unknown)} (use kind, pickler)")
        else:
            out.append(ProcessApi(str(name), kind, pickler))
    return tuple(out)


def _parse_table(table: dict, source: str, base: Config) -> Config:
    warnings = list(base.warnings)
    errors = list(base.errors)
    changes: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = _ALIASES.get(raw_key, raw_key)
        if key not in KNOWN_KEYS:
            warnings.append(f"mpguard: unknown key `{str(raw_key)[:60]}` in {source}; ignored")
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
                    warnings.append(f"mpguard: unknown rule code {_describe(code)} in `severity`; ignored")
                    continue
                try:
                    if not isinstance(level, str):
                        raise ValueError(level)
                    parsed = Severity.parse(level)
                except ValueError:
                    warnings.append(
                        f"mpguard: unknown severity {_describe(level)} for `severity.{code}` (use error, warning, info or hint); ignored"
                    )
                    continue
                for c in codes:
                    sev[c] = parsed
            changes["severity"] = tuple(sorted(sev.items()))
        elif key == "start-method":
            if not isinstance(value, str) or value not in START_METHODS:
                warnings.append(
                    f"mpguard: `start-method` must be one of {', '.join(START_METHODS)}, got {_describe(value)}; "
                    f"using {base.start_method or 'the default of each platform'}"
                )
                continue
            changes["start_method"] = str(value)
        elif key == "target-version":
            version = parse_target_version(value)
            if version is None:
                warnings.append(
                    f"mpguard: `target-version` must be one of {', '.join(map(version_text, TARGET_VERSIONS))}"
                    f" in {source}, got {_describe(value)}; using {version_text(base.target_version)}")
                continue
            changes["target_version"] = version
        elif key == "platforms":
            platforms = _platforms(value, source, base, warnings)
            if platforms is not None:
                changes["platforms"] = platforms
        elif key == "process-apis":
            before = len(errors)
            changes["process_apis"] = _process_apis(value, source, errors)
            warnings.extend(errors[before:])
        elif key in ("exclude", "extend-exclude"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                warnings.append(f"mpguard: `{key}` must be a list of glob patterns; ignored")
                continue
            prior = changes.get("exclude", base.exclude) if key == "extend-exclude" else ()
            changes["exclude"] = _bounded_globs(tuple(prior), value, key, warnings)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                warnings.append("mpguard: `per-file-ignores` must be a table of glob = [codes]; ignored")
                continue
            entries = []
            if len(value) > globs.MAX_PATTERNS:
                warnings.append(f"mpguard: `per-file-ignores` has {len(value)} patterns; "
                                f"only the first {globs.MAX_PATTERNS} are used")
            for pattern, codes_value in list(value.items())[:globs.MAX_PATTERNS]:
                if len(str(pattern)) > globs.MAX_PATTERN_LENGTH:
                    warnings.append(f"mpguard: a `per-file-ignores` pattern is longer than "
                                    f"{globs.MAX_PATTERN_LENGTH} characters; ignored")
                    continue
                codes = _codes(codes_value, f"per-file-ignores.{pattern}", warnings)
                if codes:
                    entries.append((str(pattern), frozenset(codes)))
            changes["per_file_ignores"] = tuple(entries)
        elif key == "max-file-size-kb":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                warnings.append(f"mpguard: `max-file-size-kb` must be a whole number of kB (0: no limit), "
                                f"got {_describe(value)}; ignored")
                continue
            changes["max_file_size_kb"] = value
    return replace(base, warnings=tuple(warnings), errors=tuple(errors), **changes)


def _bounded_globs(prior: tuple[str, ...], value: Any, key: str, warnings: list[str]) -> tuple[str, ...]:
    """``prior`` + the string patterns of ``value``, at most MAX_PATTERNS, none too long."""
    out = list(prior)
    too_long = 0
    for item in value:
        if not isinstance(item, str):
            warnings.append(f"mpguard: `{key}` must hold glob strings, got {_describe(item)}; ignored")
            continue
        if len(item) > globs.MAX_PATTERN_LENGTH:
            too_long += 1
            continue
        out.append(item)
    if too_long:
        warnings.append(f"mpguard: {too_long} `{key}` pattern(s) longer than {globs.MAX_PATTERN_LENGTH} "
                        "characters; ignored")
    if len(out) > globs.MAX_PATTERNS:
        warnings.append(f"mpguard: `{key}` has {len(out)} patterns; only the first {globs.MAX_PATTERNS} are used")
        out = out[:globs.MAX_PATTERNS]
    return tuple(out)


def find_pyproject(start: str | os.PathLike) -> Optional[Path]:
    found = find_pyproject_in(NATIVE, _realpath(os.fspath(start)))
    return Path(found) if found is not None else None


_CACHE: dict[str, tuple[float, Config]] = {}
MAX_PYPROJECT_BYTES = 10_000_000
MAX_TOML_DEPTH = 100  # tomllib recurses per level: far below Python's recursion limit


class TomlTooComplex(ValueError):
    """A pyproject.toml too big or too deeply nested to parse safely; the message names it."""


def _load_toml(pyproject: Path) -> dict:
    with open(pyproject, "rb") as fh:
        raw = fh.read(MAX_PYPROJECT_BYTES + 1)
    if len(raw) > MAX_PYPROJECT_BYTES:
        raise TomlTooComplex(f"mpguard: {pyproject} is larger than {MAX_PYPROJECT_BYTES // 1_000_000} MB; "
                             "using defaults")
    text = raw.decode("utf-8")
    deep = _too_deep_key(text)
    if deep is not None:
        raise TomlTooComplex(f"mpguard: `{deep}` in {pyproject} is nested more than {MAX_TOML_DEPTH} levels "
                             "deep; using defaults")
    try:
        return tomllib.loads(text)
    except RecursionError:  # nesting the scan above did not see (odd quoting): same answer
        raise TomlTooComplex(f"mpguard: {pyproject} is nested too deeply to read; using defaults") from None


_TOML_TOKEN = re.compile("|".join([
    '"""', "'''",  # multi-line string delimiters
    r'"(?:[^"\\\n]|\\.)*"', r"'[^'\n]*'",  # one-line strings
    r"#[^\n]*", r"[\[\]{}\n]",  # comments, brackets, line ends
]))
_BRACKET = re.compile(r"[\[\]{}]")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_TOML_HEADER = re.compile(r"\[\[?\s*([^\]\n]*?)\s*\]")
_TOML_KEY = re.compile(r"([^=\n]*?)\s*=\s*$")


def _too_deep_key(text: str) -> Optional[str]:
    """The dotted key whose value nests arrays / inline tables deeper than MAX_TOML_DEPTH, or None
    (a linear scan; strings and comments skipped, multi-line strings approximately)."""
    brackets = _BRACKET.findall(text)
    if len(brackets) <= MAX_TOML_DEPTH or max(accumulate(_BRACKET_STEP[b] for b in brackets)) <= MAX_TOML_DEPTH:
        return None  # fast path (brackets in strings only over-count): no deep nesting at all
    depth, line_start, table, key = 0, 0, "", "?"
    in_multiline: Optional[str] = None
    for m in _TOML_TOKEN.finditer(text):
        tok = m.group()
        if in_multiline is not None:
            if tok == in_multiline:
                in_multiline = None
            continue
        if tok in ('"""', "'''"):
            in_multiline = tok
        elif tok == "\n":
            line_start = m.end()
        elif tok in "[{":
            if depth == 0:
                if tok == "[" and not text[line_start:m.start()].strip():
                    header = _TOML_HEADER.match(text, m.start())
                    table = header.group(1) if header else table
                    continue
                found = _TOML_KEY.search(text, line_start, m.start())
                key = found.group(1).strip() if found else "?"
            depth += 1
            if depth > MAX_TOML_DEPTH:
                return f"{table}.{key}" if table else key
        elif tok in "]}":
            depth = max(0, depth - 1)
    return None


def _config_from_document(data: dict, pyproject: Path, base: Config) -> Config:
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        return replace(base, warnings=(f"mpguard: `tool` in {pyproject} must be a table, got {_describe(tool)}; "
                                       "ignored",))
    project = data.get("project", {})
    floor = requires_python_floor(project.get("requires-python") if isinstance(project, dict) else None)
    if floor is not None:  # `target-version` in [tool.mpguard] overrides it
        base = replace(base, target_version=floor)
    table = tool.get("mpguard", {})
    if not isinstance(table, dict):
        return replace(base, warnings=(f"mpguard: [tool.mpguard] in {pyproject} is not a table; ignored",))
    return _parse_table(table, source=str(pyproject), base=base)


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
        data = _load_toml(pyproject)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        base = replace(base, unparsable=f"{pyproject}: {exc}")  # the CLI stops (exit 2), the server warns
        cfg = replace(base, warnings=(f"mpguard: could not read {pyproject}: {exc}; using defaults",))
    except TomlTooComplex as exc:
        cfg = replace(base, warnings=(str(exc),))
    else:
        cfg = _config_from_document(data, pyproject, base)
    # Keys, patterns and the path come from the checked tree and end up on a terminal.
    cfg = replace(cfg, warnings=tuple(escape_for_terminal(w) for w in cfg.warnings),
                  errors=tuple(escape_for_terminal(e) for e in cfg.errors))
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
