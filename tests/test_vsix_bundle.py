"""Packaging test for the VS Code extension: the Python inside the .vsix runs on its own.

* Every target's ``mpguard-<target>.vsix`` (``npm run package:all`` builds the missing ones; set
  ``MPGUARD_TARGETS=linux-x64,...`` to check fewer): for each CPython 3.10-3.14, libcst's native
  module is there and built for that machine (ELF/PE/Mach-O header: x86_64/aarch64/AMD64/ARM64;
  glibc or musl from the ELF's DT_NEEDED; the pythonXY.dll a Windows module links), it is the only
  native code, and bundle.json, LICENSE, icon and the extension README are inside.

* Takes ``mpguard-linux-x64.vsix`` at the repository root (or ``$MPGUARD_VSIX``); builds it with
  ``npm run package`` when missing (``npm ci`` first if needed). Without npm it falls back to
  ``scripts/bundle_python.py`` (bundled/libs only) and skips the checks of the .vsix itself; the
  same script refreshes bundled/libs when the server sources are newer than the .vsix.
* For every CPython 3.10-3.14 found (PATH, pyenv; at least the running one; the versions not found
  are reported as skipped, by name) it imports the linux-x64 bundle
  with nothing else on ``sys.path`` (``-S -s``, a minimal environment, ``PYTHONPATH`` = the bundle)
  and checks every module came from the bundle, then starts ``python -m mpguard server --stdio``
  exactly as the extension does and speaks LSP to it by hand: ``initialize``, ``didOpen`` of an
  unguarded ``Pool`` script -> ``MP101`` pushed -> the "Wrap in ..." code action, ``shutdown``/``exit``.
"""

from __future__ import annotations

import glob
import json
import os
import queue
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import bundle_python  # noqa: E402  (scripts/ is not a package)

DEFAULT_VSIX = ROOT / "mpguard-linux-x64.vsix"
WANTED = bundle_python.DEFAULT_PYTHONS
BROKEN = (
    "from multiprocessing import Pool\n"
    "\n"
    "def square(x):\n"
    "    return x * x\n"
    "\n"
    "with Pool(2) as pool:\n"
    "    print(pool.map(square, [1, 2, 3]))\n"
)


# ------------------------------------------------------------------------------------------------
# locating / building the bundle


def _build_vsix() -> Path | None:
    npm = shutil.which("npm")
    if not npm:
        return None
    if not (ROOT / "node_modules" / "@vscode" / "vsce").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    subprocess.run([npm, "run", "package"], cwd=ROOT, check=True)
    return DEFAULT_VSIX


@pytest.fixture(scope="session")
def vsix() -> Path | None:
    env = os.environ.get("MPGUARD_VSIX")
    if env:
        return Path(env).resolve()
    if DEFAULT_VSIX.exists() and not os.environ.get("MPGUARD_REBUILD_VSIX"):
        return DEFAULT_VSIX
    return _build_vsix()


def _stale(vsix: Path) -> bool:
    """Server or bundling sources newer than the .vsix."""
    built = vsix.stat().st_mtime
    sources = [*(ROOT / "scripts").glob("bundle*"), *(ROOT / "server" / "mpguard").rglob("*.py")]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


@pytest.fixture(scope="session")
def libs(vsix: Path | None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bundled/libs as shipped in the .vsix; rebuilt with scripts/bundle_python.py (~10 s) when the
    .vsix is older than the server sources (so a plain `pytest` never tests yesterday's server), or
    when there is no .vsix because npm is missing."""
    if vsix is not None and not (os.environ.get("MPGUARD_VSIX") is None and _stale(vsix)):
        out = tmp_path_factory.mktemp("vsix")
        with zipfile.ZipFile(vsix) as zf:
            zf.extractall(out)
        return out / "extension" / "bundled" / "libs"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "bundle_python.py")], cwd=ROOT, check=True)
    return ROOT / "bundled" / "libs"


def _version_of(exe: str) -> str | None:
    try:
        out = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_interpreters() -> dict[str, str]:
    """{"3.11": "/path/to/python3.11", ...} for the CPython versions the bundle supports."""
    found: dict[str, str] = {}
    candidates = [sys.executable]
    for ver in WANTED:
        candidates.append(shutil.which(f"python{ver}") or "")
        for base in (os.path.expanduser("~/.pyenv/versions"), "/root/.pyenv/versions", "/usr/local/bin", "/usr/bin"):
            candidates += sorted(glob.glob(os.path.join(base, f"{ver}*", "bin", f"python{ver}")))
            candidates += sorted(glob.glob(os.path.join(base, f"python{ver}")))
    for exe in candidates:
        if not exe or not os.path.exists(exe):
            continue
        ver = _version_of(exe)
        if ver in WANTED and ver not in found:
            found[ver] = exe
    return found


INTERPRETERS = find_interpreters()
PARAMS = [
    pytest.param(INTERPRETERS[ver], id=f"py{ver}") if ver in INTERPRETERS else
    pytest.param(None, id=f"py{ver}", marks=pytest.mark.skip(reason=f"CPython {ver} is not installed here (PATH, pyenv)"))
    for ver in WANTED
]


def isolated_env(libs: Path, home: Path) -> dict[str, str]:
    """Like `env -i`: nothing from the caller but a basic PATH, and the bundle as PYTHONPATH."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(libs),
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUTF8": "1",
        "PYTHONSAFEPATH": "1",
    }


# ------------------------------------------------------------------------------------------------
# the .vsix itself


def test_running_interpreter_is_covered() -> None:
    ver = "%d.%d" % sys.version_info[:2]
    assert ver in INTERPRETERS, f"running Python {ver} not found among {INTERPRETERS}"


def test_vsix_contents(vsix: Path | None) -> None:
    if vsix is None:
        pytest.skip("npm is not available: no .vsix was built (only bundled/libs)")
    with zipfile.ZipFile(vsix) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("extension/package.json"))
        vsixmanifest = zf.read("extension.vsixmanifest").decode()
    libs = "extension/bundled/libs/"
    natives = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith(libs + "libcst/native."))
    assert natives == sorted(bundle_python.TARGETS["linux-x64"].native_for(v) for v in WANTED)
    for dist in ("mpguard", "libcst", "pygls", "lsprotocol", "cattrs", "attrs", "jedi", "parso"):
        assert any(n.startswith(f"{libs}{dist}-") and n.endswith(".dist-info/METADATA") for n in names), dist
    assert f"{libs}mpguard/__main__.py" in names
    assert "extension/dist/extension.js" in names
    assert manifest["main"] == "./dist/extension.js"
    assert 'TargetPlatform="linux-x64"' in vsixmanifest
    assert not manifest.get("extensionDependencies")
    bad = [n for n in names if "/node_modules/" in n or n.startswith("extension/client/")
           or "__pycache__" in n or n.endswith(".pyc") or n.startswith("extension/tests/")
           or n.startswith("extension/server/")]
    assert not bad, bad[:10]
    assert vsix.stat().st_size < 25_000_000, vsix.stat().st_size


# ------------------------------------------------------------------------------------------------
# every target's .vsix: the native modules are there and built for that machine

TARGET_NAMES = [t for t in bundle_python.TARGETS
                if t in (os.environ.get("MPGUARD_TARGETS") or ",".join(bundle_python.TARGETS)).split(",")]
# VS Code target -> (binary format, machine, C library) its native modules must have.
EXPECTED_BINARY = {
    "win32-x64": ("PE", "AMD64", None),
    "win32-arm64": ("PE", "ARM64", None),
    "darwin-x64": ("Mach-O", "x86_64", None),
    "darwin-arm64": ("Mach-O", "arm64", None),
    "linux-x64": ("ELF", "x86_64", "glibc"),
    "linux-arm64": ("ELF", "aarch64", "glibc"),
    "alpine-x64": ("ELF", "x86_64", "musl"),
    "alpine-arm64": ("ELF", "aarch64", "musl"),
}
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "aarch64"}
PE_MACHINES = {0x8664: "AMD64", 0xAA64: "ARM64", 0x14C: "I386"}
MACHO_CPUS = {0x01000007: "x86_64", 0x0100000C: "arm64"}
# Shared objects, also versioned ones (libgcc_s-0cd532bd.so.1, vendored by musllinux wheels).
NATIVE_FILE = re.compile(r"\.(so|pyd|dylib|dll)(\.\d+)*$")
# A library auditwheel/delvewheel renamed and vendored (`-<8 hex>`), as opposed to a system one.
VENDORED = re.compile(r"-[0-9a-f]{8}\.")


def elf_needed(data: bytes) -> list[str]:
    """DT_NEEDED libraries of a 64-bit little-endian ELF: PT_DYNAMIC entries, strings from DT_STRTAB."""
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == 2:  # PT_DYNAMIC
            dynamic = (p_offset, p_filesz)
    assert dynamic, "no PT_DYNAMIC segment"
    entries = [struct.unpack_from("<qQ", data, dynamic[0] + k) for k in range(0, dynamic[1], 16)]
    strtab_vaddr = next(v for tag, v in entries if tag == 5)  # DT_STRTAB
    strtab = next(off + strtab_vaddr - va for va, off, size in loads if va <= strtab_vaddr < va + size)

    def string(at: int) -> str:
        return data[strtab + at: data.index(b"\0", strtab + at)].decode()

    return [string(v) for tag, v in entries if tag == 1]  # DT_NEEDED


def describe_native(data: bytes) -> tuple[str, str, str | None]:
    """(format, machine, C library or DLL detail) read from the binary's own headers."""
    if data[:4] == b"\x7fELF":
        assert data[4] == 2 and data[5] == 1, "expected a 64-bit little-endian ELF"
        machine, = struct.unpack_from("<H", data, 18)
        needed = elf_needed(data)
        libc = "musl" if any(n.startswith("libc.musl-") for n in needed) else "glibc" if "libc.so.6" in needed else None
        return "ELF", ELF_MACHINES.get(machine, hex(machine)), libc
    if data[:2] == b"MZ":
        pe, = struct.unpack_from("<I", data, 0x3C)
        assert data[pe:pe + 4] == b"PE\0\0", "MZ without a PE header"
        machine, = struct.unpack_from("<H", data, pe + 4)
        return "PE", PE_MACHINES.get(machine, hex(machine)), None
    if data[:4] == b"\xcf\xfa\xed\xfe":  # MH_MAGIC_64, little-endian
        cpu, = struct.unpack_from("<I", data, 4)
        return "Mach-O", MACHO_CPUS.get(cpu, hex(cpu)), None
    raise AssertionError(f"not an ELF, PE or thin 64-bit Mach-O file: {data[:8]!r}")


@pytest.fixture(scope="session")
def all_vsix() -> dict[str, Path]:
    """{target: .vsix}; the missing ones are built (`npm run package:all -- --missing`, ~2 min a target
    on 2 busy cores), leaving bundled/ at linux-x64."""
    paths = {t: ROOT / f"mpguard-{t}.vsix" for t in TARGET_NAMES}
    if not all(p.exists() for p in paths.values()):
        npm = shutil.which("npm")
        if not npm:
            pytest.skip("npm is not available: cannot build the .vsix of every target")
        if not (ROOT / "node_modules" / "@vscode" / "vsce").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        subprocess.run([npm, "run", "package:all", "--", "--missing"], cwd=ROOT, check=True)
    return paths


# The first target builds every missing VSIX (with an empty wheel cache: 40 downloads and eight
# bundles, ~12 minutes on 2 busy cores), far beyond the suite's default 300 s per test.
@pytest.mark.timeout(2400)
@pytest.mark.parametrize("target", TARGET_NAMES)
def test_target_vsix_has_native_modules_for_its_machine(target: str, all_vsix: dict[str, Path]) -> None:
    spec = bundle_python.TARGETS[target]
    fmt, machine, libc = EXPECTED_BINARY[target]
    libs = "extension/bundled/libs/"
    with zipfile.ZipFile(all_vsix[target]) as zf:
        names = zf.namelist()
        assert f'TargetPlatform="{target}"' in zf.read("extension.vsixmanifest").decode()
        bundle = json.loads(zf.read("extension/bundled/bundle.json"))
        natives = {n: zf.read(n) for n in names if NATIVE_FILE.search(n)}
    assert bundle["platform"] == target
    assert bundle["pythons"] == list(WANTED)
    expected = {f"{libs}libcst/{spec.native_for(v)}": v for v in WANTED}
    vendored_needed = set()
    for name, python in expected.items():
        data = natives.pop(name, None)
        assert data is not None, f"{target}: {name} missing"
        assert describe_native(data) == (fmt, machine, libc), name
        if fmt == "PE":  # a Windows extension module names the Python DLL it was built against
            linked = {m.decode().lower() for m in re.findall(rb"(?i)python3\d+\.dll", data)}
            assert linked == {f"python{python.replace('.', '')}.dll"}, (name, linked)
        if fmt == "ELF":
            vendored_needed |= {n for n in elf_needed(data) if VENDORED.search(n)}
    # Beyond libcst's modules, one per CPython, only the libraries they need and their wheels vendor
    # (pyyaml is not bundled; nothing left over from another target's bundle).
    assert sorted(natives) == sorted(f"{libs}{bundle_python.VENDORED_LIBS}{n}" for n in vendored_needed)
    for name, data in natives.items():
        assert describe_native(data)[:2] == (fmt, machine), name
    for required in ("extension/LICENSE.txt", "extension/images/icon.png", "extension/readme.md",
                     "extension/changelog.md", "extension/dist/extension.js", f"{libs}mpguard/__main__.py"):
        assert required in names, (target, required)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/node_modules/" in n]


def test_packaged_readme_is_the_one_for_vs_code_users(vsix: Path | None) -> None:
    if vsix is None:
        pytest.skip("npm is not available: no .vsix was built (only bundled/libs)")
    with zipfile.ZipFile(vsix) as zf:
        readme = zf.read("extension/readme.md").decode()
        license_text = zf.read("extension/LICENSE.txt").decode()
    assert readme.startswith("# mpguard for Visual Studio Code\n")
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_header_reader_on_the_installed_libcst() -> None:
    """describe_native reads a binary this machine loads: libcst's native module in the test environment."""
    import libcst.native

    host = bundle_python.host_target()
    if host not in EXPECTED_BINARY:
        pytest.skip(f"no VS Code target for this machine ({host})")
    assert describe_native(Path(libcst.native.__file__).read_bytes()) == EXPECTED_BINARY[host]


# ------------------------------------------------------------------------------------------------
# import the bundle with each interpreter

IMPORT_CHECK = r"""
import sys
bundle = sys.argv[1]
import attrs, cattrs, jedi, libcst, lsprotocol, parso, pygls, mpguard
import mpguard.lsp.server
from libcst.metadata import MetadataWrapper, PositionProvider
mod = libcst.parse_module("x = 1\n")
MetadataWrapper(mod).resolve(PositionProvider)
outside = sorted(
    name for name, m in sys.modules.items()
    if name.split(".")[0] in {"attrs", "attr", "cattrs", "jedi", "libcst", "lsprotocol", "parso", "pygls", "mpguard",
                              "typing_extensions", "exceptiongroup", "tomli"}
    and getattr(m, "__file__", None) and not m.__file__.startswith(bundle)
)
assert not outside, outside
assert not [p for p in sys.path if "site-packages" in p], sys.path
print("ok", sys.version.split()[0], libcst.__file__)
"""


@pytest.mark.parametrize("python", PARAMS)
def test_bundle_imports_in_isolation(python: str, libs: Path, tmp_path: Path) -> None:
    res = subprocess.run([python, "-S", "-s", "-c", IMPORT_CHECK, str(libs)], env=isolated_env(libs, tmp_path),
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("ok "), res.stdout


def test_without_bundle_mpguard_is_not_importable(tmp_path: Path) -> None:
    """The isolation above is real: without the bundle the same environment cannot import mpguard."""
    env = isolated_env(tmp_path, tmp_path)
    res = subprocess.run([sys.executable, "-S", "-s", "-c", "import mpguard"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode != 0


# ------------------------------------------------------------------------------------------------
# the server over stdio, launched like the extension does


class Lsp:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd)
        self.inbox: queue.Queue = queue.Queue()
        self.stderr: list[bytes] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode().partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body))

    def send(self, msg: dict) -> None:
        data = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, pred, timeout: float = 60.0) -> dict:
        """Next message matching pred; answers server->client requests on the way."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out; server stderr:\n{b''.join(self.stderr).decode(errors='replace')[-3000:]}")
            try:
                msg = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise AssertionError(f"server exited ({self.proc.poll()}); stderr:\n"
                                     f"{b''.join(self.stderr).decode(errors='replace')[-3000:]}")
            if "method" in msg and "id" in msg:  # a request from the server
                result = [{} for _ in msg["params"]["items"]] if msg["method"] == "workspace/configuration" else None
                self.send({"id": msg["id"], "result": result})
            if pred(msg):
                return msg


@pytest.mark.parametrize("python", PARAMS)
def test_server_answers_over_stdio(python: str, libs: Path, tmp_path: Path) -> None:
    work = tmp_path / "ws"
    work.mkdir()
    script = work / "broken_guard.py"
    script.write_text(BROKEN, encoding="utf-8")
    uri = script.as_uri()
    # The extension's command line (client/src/serverCommand.ts): -m mpguard server --stdio, cwd = extension.
    lsp = Lsp([python, "-m", "mpguard", "server", "--stdio"], isolated_env(libs, tmp_path), cwd=libs.parent.parent)
    try:
        rid = lsp.request("initialize", {
            "processId": os.getpid(),
            "rootUri": work.as_uri(),
            "workspaceFolders": [{"uri": work.as_uri(), "name": "ws"}],
            "capabilities": {
                "workspace": {"configuration": True},
                "textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}}}},
            },
            "initializationOptions": {
                # What the extension sends with default settings (client/src/settings.ts).
                "settings": [{"workspace": work.as_uri(), "enable": True, "run": "onType", "select": None, "ignore": None,
                              "severity": None, "startMethod": None, "showNotifications": "off", "logLevel": "warning"}],
                "globalSettings": {"enable": True, "run": "onType", "select": None, "ignore": None, "severity": None,
                                   "startMethod": None, "showNotifications": "off", "logLevel": "warning"},
            },
        })
        init = lsp.wait(lambda m: m.get("id") == rid)
        assert "result" in init, init
        caps = init["result"]["capabilities"]
        assert caps.get("codeActionProvider"), caps
        assert init["result"].get("serverInfo", {}).get("name"), init["result"]
        lsp.send({"method": "initialized", "params": {}})
        lsp.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": BROKEN}}})
        pub = lsp.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                       and m["params"]["uri"] == uri and m["params"]["diagnostics"])
        diags = pub["params"]["diagnostics"]
        mp101 = [d for d in diags if d.get("code") == "MP101"]
        assert mp101 and mp101[0]["source"] == "mpguard", diags
        rid = lsp.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": mp101[0]["range"],
            "context": {"diagnostics": mp101, "only": ["quickfix"]}})
        actions = lsp.wait(lambda m: m.get("id") == rid)["result"]
        titles = [a["title"] for a in actions]
        assert any(t.startswith("Wrap in") for t in titles), titles
        rid = lsp.request("shutdown", None)
        lsp.wait(lambda m: m.get("id") == rid)
        lsp.send({"method": "exit"})
        assert lsp.proc.wait(timeout=30) == 0
    finally:
        if lsp.proc.poll() is None:
            lsp.proc.kill()
            lsp.proc.wait()
