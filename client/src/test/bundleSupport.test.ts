import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bundleInfoPath, checkBundle, checkLaunch, describePythons, readBundleInfo } from '../bundleSupport';
import { probePython } from '../probe';

const LINUX = { platform: 'linux-x64', pythons: ['3.10', '3.11', '3.12', '3.13', '3.14'] };

function extensionWith(bundleJson: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpguard-ext-'));
  if (bundleJson !== undefined) {
    fs.mkdirSync(path.join(dir, 'bundled'));
    fs.writeFileSync(bundleInfoPath(dir), bundleJson);
  }
  return dir;
}

describe('readBundleInfo', () => {
  it('reads platform and pythons of bundled/bundle.json as scripts/bundle_python.py writes it', () => {
    const ext = extensionWith(JSON.stringify({ ...LINUX, libcstNative: {}, distributions: { libcst: '1.8.6' } }));
    assert.deepEqual(readBundleInfo(ext), LINUX);
  });

  it('answers undefined without a bundle, for broken JSON and for a wrong shape', () => {
    assert.equal(readBundleInfo(extensionWith(undefined)), undefined);
    assert.equal(readBundleInfo(extensionWith('{not json')), undefined);
    assert.equal(readBundleInfo(extensionWith(JSON.stringify({ platform: 'linux-x64', pythons: [3.1] }))), undefined);
    assert.equal(readBundleInfo(extensionWith('null')), undefined);
  });
});

describe('describePythons', () => {
  it('shows a range for consecutive versions and a list otherwise', () => {
    assert.equal(describePythons(LINUX.pythons), '3.10–3.14');
    assert.equal(describePythons(['3.10', '3.12']), '3.10, 3.12');
    assert.equal(describePythons(['3.12']), '3.12');
  });
});

describe('checkBundle', () => {
  it('accepts every CPython the bundle has a native module for', () => {
    for (const minor of [10, 11, 12, 13, 14]) {
      assert.deepEqual(checkBundle(LINUX, { version: [3, minor, 0], implementation: 'cpython' }), { ok: true });
    }
  });

  it('gives an unknown bundle the benefit of the doubt', () => {
    assert.deepEqual(checkBundle(undefined, { version: [3, 15, 0], implementation: 'cpython' }), { ok: true });
  });

  it('says which Pythons the bundle serves and how to install mpguard for a newer one', () => {
    const v = checkBundle(LINUX, { version: [3, 15, 0], implementation: 'cpython', executable: '/usr/bin/python3.15' });
    assert.deepEqual(v, {
      ok: false,
      message: 'The bundled mpguard server cannot run on Python 3.15: it has libcst for CPython 3.10–3.14 only.',
      fix: 'Run `/usr/bin/python3.15 -m pip install mpguard` and set "mpguard.importStrategy" to "fromEnvironment", '
        + 'or set "mpguard.interpreter" to CPython 3.10–3.14.',
      environmentHasMpguard: false,
    });
  });

  it('offers fromEnvironment directly when the interpreter already has mpguard', () => {
    const v = checkBundle(LINUX, { version: [3, 15, 1], implementation: 'cpython', executable: '/venv/bin/python' }, true);
    assert.equal(v.ok, false);
    assert.ok(!v.ok);
    assert.equal(v.fix, 'Set "mpguard.importStrategy" to "fromEnvironment" to use the mpguard installed with /venv/bin/python, '
      + 'or set "mpguard.interpreter" to CPython 3.10–3.14.');
    assert.equal(v.environmentHasMpguard, true);
  });

  it('refuses other implementations even at a bundled version: the native modules are CPython ABI', () => {
    const v = checkBundle(LINUX, { version: [3, 10, 14], implementation: 'pypy', executable: '/usr/bin/pypy3' });
    assert.ok(!v.ok);
    assert.equal(v.message, 'The bundled mpguard server cannot run on pypy 3.10: it has libcst for CPython 3.10–3.14 only.');
  });

  it('refuses an interpreter whose version is unknown', () => {
    const v = checkBundle(LINUX, { implementation: 'cpython' });
    assert.ok(!v.ok);
    assert.equal(v.message, 'The bundled mpguard server cannot run on Python of unknown version: it has libcst for CPython 3.10–3.14 only.');
  });
});

describe('checkLaunch', () => {
  const never = async (): Promise<boolean> => { throw new Error('must not probe the environment'); };

  it('lets fromEnvironment with an importable mpguard through without looking at the bundle', async () => {
    const v = await checkLaunch({ info: LINUX, interpreter: { version: [3, 15, 0], implementation: 'cpython', mpguardImportable: true },
      importStrategy: 'fromEnvironment', environmentHasMpguard: never });
    assert.deepEqual(v, { ok: true });
  });

  it('does not probe the environment when the bundle serves the interpreter', async () => {
    const v = await checkLaunch({ info: LINUX, interpreter: { version: [3, 14, 0], implementation: 'cpython' },
      importStrategy: 'useBundled', environmentHasMpguard: never });
    assert.deepEqual(v, { ok: true });
  });

  it('probes the environment once the bundle cannot serve, to word the offer', async () => {
    let asked = 0;
    const v = await checkLaunch({ info: LINUX, interpreter: { version: [3, 15, 0], implementation: 'cpython', executable: '/v/python' },
      importStrategy: 'useBundled', environmentHasMpguard: async () => { asked++; return true; } });
    assert.equal(asked, 1);
    assert.ok(!v.ok);
    assert.equal(v.environmentHasMpguard, true);
  });

  it('fromEnvironment without mpguard falls back to the bundle, so the bundle must serve', async () => {
    const v = await checkLaunch({ info: LINUX, interpreter: { version: [3, 15, 0], implementation: 'cpython', mpguardImportable: false },
      importStrategy: 'fromEnvironment', environmentHasMpguard: never });
    assert.ok(!v.ok);
    assert.equal(v.environmentHasMpguard, false);
  });

  it('end to end with a real process: an interpreter that answers the probe as CPython 3.15',
    { skip: process.platform === 'win32' && 'needs a #! script' }, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpguard-py315-'));
      const exe = path.join(dir, 'python3.15');
      // Answers like probe.ts's script would on CPython 3.15 (without mpguard when asked to import it).
      fs.writeFileSync(exe, '#!/bin/sh\ncase "$*" in *--check-import*) imp=\', "mpguardImportable": false\';; *) imp=;; esac\n'
        + `echo "{\\"version\\": [3, 15, 0], \\"executable\\": \\"${exe}\\", \\"implementation\\": \\"cpython\\"$imp}"\n`);
      fs.chmodSync(exe, 0o755);
      const probe = await probePython([exe], { cwd: dir });
      assert.ok(probe.ok, probe.error);
      const v = await checkLaunch({ info: readBundleInfo(extensionWith(JSON.stringify(LINUX))), interpreter: probe, importStrategy: 'useBundled',
        environmentHasMpguard: async () => (await probePython([exe], { cwd: dir, checkImport: true })).mpguardImportable ?? false });
      assert.deepEqual(v, {
        ok: false,
        message: 'The bundled mpguard server cannot run on Python 3.15: it has libcst for CPython 3.10–3.14 only.',
        fix: `Run \`${exe} -m pip install mpguard\` and set "mpguard.importStrategy" to "fromEnvironment", `
          + 'or set "mpguard.interpreter" to CPython 3.10–3.14.',
        environmentHasMpguard: false,
      });
    });
});
