#!/usr/bin/env python3
"""Build bundled/libs: the mpguard server and all its Python dependencies, for one VS Code target.

    python3 scripts/bundle_python.py [--target linux-x64] [--out bundled/libs] [--pythons 3.10,...,3.14]
    python3 scripts/bundle_python.py --target win32-x64 --libcst-only   # swap libcst in an existing bundle

Stdlib only; needs pip (of the running interpreter) and PyPI (or pip's configured index).

* pure-Python dependencies: `pip install --target --no-deps --require-hashes -r scripts/bundle-requirements.txt`
  (universal wheels, resolved for Python 3.10, the minimum);
* the server: `pip install --target --no-deps <repo>` (a copy of server/mpguard if that fails);
* libcst: one wheel per CPython version for the target's platform (hash-pinned in
  scripts/bundle-libcst.txt, kept in ~/.cache/mpguard-bundle, never in the repository); the first is
  unpacked whole, the others only contribute their native module, so that
  bundled/libs/libcst/native.<CPython-and-platform tag>.<so|pyd> exist side by side for every version;
* then removes bin/ and __pycache__/, writes bundled/bundle.json (what is inside; the extension reads
  its `pythons` to tell a user whose interpreter the bundle cannot serve), and imports the bundle in
  an isolated subprocess of the running interpreter as a smoke test when the target is this machine.

pyyaml, libcst's only dependency with native wheels, is used by nothing but libcst's codemod CLI
(libcst/tool.py): it is not bundled, so each bundle's only native code is libcst's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_REQUIREMENTS = ROOT / "scripts" / "bundle-requirements.txt"
LIBCST_REQUIREMENTS = ROOT / "scripts" / "bundle-libcst.txt"
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")


@dataclass(frozen=True)
class Target:
    """A VS Code target platform and the libcst wheels that serve it."""

    name: str
    # `pip download --platform` values, best first. pip also accepts older macOS versions than the
    # one given, so one macosx tag covers the 10.12-10.15 minimums libcst's x86_64 wheels carry.
    pip_platforms: tuple[str, ...]
    # What the wheel's platform tag (file name) must match: tells musllinux from manylinux.
    wheel_platform: str
    # File name of libcst's native module for CPython 3.XY, `{v}` = "3XY".
    native_name: str
    # Per-version exceptions to native_name: {"3.10": template}.
    native_name_for: tuple[tuple[str, str], ...] = ()

    def native_for(self, python: str) -> str:
        return dict(self.native_name_for).get(python, self.native_name).format(v=python.replace(".", ""))


# CPython 3.10 on musl still names extension modules `-linux-gnu` (its SOABI; 3.11 made it
# `-linux-musl`), and so does libcst's musllinux cp310 wheel: only the ELF's DT_NEEDED
# (libc.musl-<arch>.so.1) tells it from the glibc build.
MUSL_310_X64 = (("3.10", "native.cpython-{v}-x86_64-linux-gnu.so"),)
MUSL_310_ARM64 = (("3.10", "native.cpython-{v}-aarch64-linux-gnu.so"),)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("win32-x64", ("win_amd64",), r"win_amd64", "native.cp{v}-win_amd64.pyd"),
    Target("win32-arm64", ("win_arm64",), r"win_arm64", "native.cp{v}-win_arm64.pyd"),
    Target("darwin-x64", ("macosx_15_0_x86_64",), r"macosx_\d+_\d+_x86_64", "native.cpython-{v}-darwin.so"),
    Target("darwin-arm64", ("macosx_15_0_arm64",), r"macosx_\d+_\d+_arm64", "native.cpython-{v}-darwin.so"),
    Target("linux-x64", ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"),
           r"manylinux\w*_x86_64", "native.cpython-{v}-x86_64-linux-gnu.so"),
    Target("linux-arm64", ("manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"),
           r"manylinux\w*_aarch64", "native.cpython-{v}-aarch64-linux-gnu.so"),
    Target("alpine-x64", ("musllinux_1_2_x86_64",), r"musllinux_\d+_\d+_x86_64", "native.cpython-{v}-x86_64-linux-musl.so",
           MUSL_310_X64),
    Target("alpine-arm64", ("musllinux_1_2_aarch64",), r"musllinux_\d+_\d+_aarch64",
           "native.cpython-{v}-aarch64-linux-musl.so", MUSL_310_ARM64),
)}


def log(msg: str) -> None:
    print(f"[bundle_python] {msg}", file=sys.stderr, flush=True)


def default_cache() -> Path:
    """Outside the repository, so that wheels are never committed and survive `git clean`."""
    if os.environ.get("MPGUARD_BUNDLE_CACHE"):
        return Path(os.environ["MPGUARD_BUNDLE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mpguard-bundle"


def host_target() -> str | None:
    """The VS Code target of this machine, or None when it has none."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if arch is None:
        return None
    if sys.platform == "win32":
        return f"win32-{arch}"
    if sys.platform == "darwin":
        return f"darwin-{arch}"
    if sys.platform.startswith("linux"):
        libc, _ = platform.libc_ver()
        return f"linux-{arch}" if libc == "glibc" else f"alpine-{arch}"
    return None


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    log("$ " + " ".join(cmd[2:]))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if "-q" in args else None)


def install_pure(out: Path) -> None:
    pip("install", "-q", "--target", str(out), "--no-deps", "--no-compile", "--require-hashes",
        "--only-binary=:all:", "--implementation", "py", "--python-version", DEFAULT_PYTHONS[0],
        "--upgrade", "-r", str(PURE_REQUIREMENTS))


def install_server(out: Path) -> None:
    try:
        pip("install", "-q", "--target", str(out), "--no-deps", "--no-compile", "--upgrade", str(ROOT))
        return
    except subprocess.CalledProcessError as e:
        log(f"pip install of the server failed ({e}); copying server/mpguard instead")
    src = ROOT / "server" / "mpguard"
    shutil.copytree(src, out / "mpguard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    version = _project_version()
    info = out / f"mpguard-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: mpguard\nVersion: {version}\n", encoding="utf-8")
    (info / "INSTALLER").write_text("bundle_python.py\n", encoding="utf-8")
    (info / "top_level.txt").write_text("mpguard\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")
    shutil.copy2(ROOT / "LICENSE", info / "LICENSE")


def _project_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("version") and "=" in line:
            return line.split("=", 1)[1].strip().strip('"').strip("'")
    return "0"


def pinned_libcst() -> tuple[str, set[str]]:
    """(version, sha256 digests) from scripts/bundle-libcst.txt."""
    text = LIBCST_REQUIREMENTS.read_text(encoding="utf-8")
    version = re.search(r"^libcst==(\S+)", text, re.MULTILINE)
    if version is None:
        raise SystemExit(f"{LIBCST_REQUIREMENTS}: no `libcst==VERSION` line")
    return version.group(1), set(re.findall(r"--hash=sha256:([0-9a-f]{64})", text))


def wheel_matches(wheel: Path, target: Target, python: str, version: str) -> bool:
    tag = "cp" + python.replace(".", "")
    m = re.fullmatch(rf"libcst-{re.escape(version)}-{tag}-{tag}-(.+)\.whl", wheel.name)
    return bool(m) and any(re.fullmatch(target.wheel_platform, p) for p in m.group(1).split("."))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def download_libcst(target: Target, pythons: list[str], cache: Path) -> dict[str, Path]:
    """{python: wheel} for the target, from the cache or PyPI; only files with a pinned hash count."""
    version, digests = pinned_libcst()
    wheels: dict[str, Path] = {}
    for ver in pythons:
        def cached() -> Path | None:
            return next((w for w in sorted(cache.glob("libcst-*.whl"))
                         if wheel_matches(w, target, ver, version) and _sha256(w) in digests), None)

        wheel = cached()
        if wheel is None:
            tag = "cp" + ver.replace(".", "")
            platform_args = [a for p in target.pip_platforms for a in ("--platform", p)]
            pip("download", "-q", "--dest", str(cache), "--no-deps", "--only-binary=:all:", "--require-hashes",
                "--implementation", "cp", "--abi", tag, "--python-version", ver, *platform_args,
                "-r", str(LIBCST_REQUIREMENTS))
            wheel = cached()
        if wheel is None:
            raise SystemExit(f"no hash-pinned libcst {version} wheel for CPython {ver} on {target.name} in {cache}")
        wheels[ver] = wheel
    return wheels


# Shared libraries that auditwheel/delvewheel vendor next to the package (musllinux: libgcc_s).
VENDORED_LIBS = "libcst.libs/"


def remove_libcst(out: Path) -> None:
    shutil.rmtree(out / "libcst", ignore_errors=True)
    shutil.rmtree(out / VENDORED_LIBS, ignore_errors=True)
    for info in out.glob("libcst-*.dist-info"):
        shutil.rmtree(info)


def merge_libcst(target: Target, wheels: dict[str, Path], out: Path) -> dict[str, str]:
    """Unpack the first wheel whole; add the other wheels' native modules and the libraries they
    vendor. Returns {python: native file}."""
    first, *rest = list(wheels.values())
    with zipfile.ZipFile(first) as zf:
        zf.extractall(out)
        base = {n: zf.read(n) for n in zf.namelist() if n.startswith("libcst/") and n.endswith(".py")}
    for wheel in rest:
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                native = name.startswith("libcst/") and name.endswith((".so", ".pyd"))
                if native or (name.startswith(VENDORED_LIBS) and not name.endswith("/")):
                    target_file = out / name
                    target_file.parent.mkdir(parents=True, exist_ok=True)
                    target_file.write_bytes(zf.read(name))
                elif name in base and zf.read(name) != base[name]:
                    log(f"warning: {name} differs between {first.name} and {wheel.name} (using the first)")
    natives = {}
    present = {p.name for p in (out / "libcst").iterdir()}
    for ver in wheels:
        expected = target.native_for(ver)
        if expected not in present:
            raise SystemExit(f"libcst native module {expected} for {ver} missing after merge: {sorted(present)}")
        natives[ver] = expected
    return natives


def clean(out: Path) -> None:
    shutil.rmtree(out / "bin", ignore_errors=True)
    for cache in list(out.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for pyc in out.rglob("*.pyc"):
        pyc.unlink()


def distributions(out: Path) -> dict[str, str]:
    dists = {}
    for info in sorted(out.glob("*.dist-info")):
        name, _, version = info.name[: -len(".dist-info")].rpartition("-")
        dists[name] = version
    return dists


def smoke_test(out: Path) -> None:
    """Import the bundle with nothing else on sys.path (-I would also drop PYTHONPATH, so: -s -S + env)."""
    code = (
        "import sys, libcst, pygls, lsprotocol, jedi, mpguard\n"
        "libcst.parse_module('x = 1\\n')\n"
        "bad = [m.__file__ for m in (libcst, pygls, jedi, mpguard) if not m.__file__.startswith(sys.argv[1])]\n"
        "assert not bad, bad\n"
        "print(sys.version.split()[0], 'ok')\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(out), "PYTHONNOUSERSITE": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    res = subprocess.run([sys.executable, "-s", "-c", code, str(out)], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"bundle smoke test failed with {sys.executable}:\n{res.stdout}{res.stderr}")
    log(f"smoke test with {sys.executable}: {res.stdout.strip()}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default="linux-x64", choices=sorted(TARGETS), help="VS Code target platform")
    ap.add_argument("--out", type=Path, default=ROOT / "bundled" / "libs")
    ap.add_argument("--pythons", default=",".join(DEFAULT_PYTHONS), help="CPython versions for libcst's native module")
    ap.add_argument("--cache", type=Path, default=default_cache(), help="where libcst wheels are kept")
    ap.add_argument("--libcst-only", action="store_true",
                    help="keep the rest of an existing bundle in --out; only replace libcst (for another target)")
    ap.add_argument("--no-smoke-test", action="store_true")
    args = ap.parse_args()

    target = TARGETS[args.target]
    out: Path = args.out.resolve()
    pythons = [v.strip() for v in args.pythons.split(",") if v.strip()]
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.libcst_only:
        if not (out / "mpguard").is_dir():
            raise SystemExit(f"--libcst-only needs an existing bundle in {out}: run without it first")
        remove_libcst(out)
    else:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        install_pure(out)
        install_server(out)
    natives = merge_libcst(target, download_libcst(target, pythons, args.cache), out)
    clean(out)
    manifest = {
        "platform": target.name,
        "pythons": pythons,
        "libcstNative": natives,
        "distributions": distributions(out),
    }
    (out.parent / "bundle.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"bundled {len(manifest['distributions'])} distributions for {target.name} into {out} ({size / 1e6:.1f} MB): "
        + ", ".join(f"{k} {v}" for k, v in manifest["distributions"].items()))
    if not args.no_smoke_test:
        if host_target() == target.name:
            smoke_test(out)
        else:
            log(f"no smoke test: this machine ({host_target()}) cannot load {target.name} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
