#!/usr/bin/env python3
"""Build bundled/libs: the mpguard server and all its Python dependencies, for the VS Code extension.

    python3 scripts/bundle_python.py [--out bundled/libs] [--pythons 3.10,3.11,3.12,3.13]

Stdlib only; needs pip (of the running interpreter) and PyPI (or pip's configured index).

* pure-Python dependencies: `pip install --target --no-deps --require-hashes -r scripts/bundle-requirements.txt`
  (universal wheels, resolved for Python 3.10, the minimum);
* the server: `pip install --target --no-deps <repo>` (a copy of server/mpguard if that fails);
* libcst: one manylinux x86_64 wheel per CPython version (scripts/bundle-libcst.txt); the first is
  unpacked whole, the others only contribute their native module, so that
  bundled/libs/libcst/native.cpython-3XY-x86_64-linux-gnu.so exist side by side for every version;
* then removes bin/ and __pycache__/, writes bundled/bundle.json (what is inside), and imports the
  bundle in an isolated subprocess of the running interpreter as a smoke test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_REQUIREMENTS = ROOT / "scripts" / "bundle-requirements.txt"
LIBCST_REQUIREMENTS = ROOT / "scripts" / "bundle-libcst.txt"
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# libcst 1.9 publishes manylinux_2_28 wheels; older pins may have manylinux2014 (= 2_17) ones.
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def log(msg: str) -> None:
    print(f"[bundle_python] {msg}", file=sys.stderr, flush=True)


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


def _project_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("version") and "=" in line:
            return line.split("=", 1)[1].strip().strip('"').strip("'")
    return "0"


def download_libcst(pythons: list[str], cache: Path) -> dict[str, Path]:
    wheels: dict[str, Path] = {}
    for ver in pythons:
        tag = "cp" + ver.replace(".", "")
        found = sorted(cache.glob(f"libcst-*-{tag}-{tag}-*x86_64.whl"))
        if not found or not _hash_ok(found[-1]):
            platform_args = [a for p in PLATFORMS for a in ("--platform", p)]
            pip("download", "-q", "--dest", str(cache), "--no-deps", "--only-binary=:all:", "--require-hashes",
                "--implementation", "cp", "--abi", tag, "--python-version", ver, *platform_args,
                "-r", str(LIBCST_REQUIREMENTS))
            found = sorted(cache.glob(f"libcst-*-{tag}-{tag}-*x86_64.whl"))
        if not found:
            raise SystemExit(f"no libcst wheel for CPython {ver} (linux x86_64)")
        wheels[ver] = found[-1]
    versions = {w.name.split("-")[1] for w in wheels.values()}
    if len(versions) != 1:
        raise SystemExit(f"libcst wheels of different versions in {cache}: {sorted(versions)}")
    return wheels


def _hash_ok(wheel: Path) -> bool:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return digest in LIBCST_REQUIREMENTS.read_text(encoding="utf-8")


def merge_libcst(wheels: dict[str, Path], out: Path) -> list[str]:
    """Unpack the first wheel whole; add the other wheels' native modules. Returns the .so names."""
    first, *rest = list(wheels.values())
    with zipfile.ZipFile(first) as zf:
        zf.extractall(out)
        base = {n: zf.read(n) for n in zf.namelist() if n.startswith("libcst/") and n.endswith(".py")}
    for wheel in rest:
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.startswith("libcst/") and (name.endswith(".so") or ".so." in name):
                    target = out / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(name))
                elif name in base and zf.read(name) != base[name]:
                    log(f"warning: {name} differs between {first.name} and {wheel.name} (using the first)")
    natives = sorted(p.name for p in (out / "libcst").glob("native*.so"))
    for ver in wheels:
        tag = f"cpython-{ver.replace('.', '')}-"
        if not any(tag in n for n in natives):
            raise SystemExit(f"libcst native module for {ver} missing after merge: {natives}")
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
    ap.add_argument("--out", type=Path, default=ROOT / "bundled" / "libs")
    ap.add_argument("--pythons", default=",".join(DEFAULT_PYTHONS), help="CPython versions for libcst's native module")
    ap.add_argument("--cache", type=Path, default=ROOT / "build" / "python-wheels", help="where libcst wheels are kept")
    ap.add_argument("--no-smoke-test", action="store_true")
    args = ap.parse_args()

    out: Path = args.out.resolve()
    pythons = [v.strip() for v in args.pythons.split(",") if v.strip()]
    args.cache.mkdir(parents=True, exist_ok=True)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    install_pure(out)
    install_server(out)
    natives = merge_libcst(download_libcst(pythons, args.cache), out)
    clean(out)
    manifest = {
        "platform": "linux-x64",
        "pythons": pythons,
        "libcstNative": natives,
        "distributions": distributions(out),
    }
    (out.parent / "bundle.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"bundled {len(manifest['distributions'])} distributions into {out} ({size / 1e6:.1f} MB): "
        + ", ".join(f"{k} {v}" for k, v in manifest["distributions"].items()))
    if not args.no_smoke_test:
        smoke_test(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
