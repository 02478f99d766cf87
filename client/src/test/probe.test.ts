// Runs a real interpreter (the python3 on PATH) and fake ones.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatVersion, probeFailure, probePython, versionOk } from '../probe';
import { which } from '../which';

const python3 = which('python3');

describe('probePython', () => {
  it('reports version and executable of a real interpreter', { skip: !python3 && 'no python3 on PATH' }, async () => {
    const r = await probePython([python3!], { cwd: os.tmpdir() });
    assert.ok(r.ok, r.error);
    assert.equal(r.version?.[0], 3);
    assert.ok(r.executable);
    assert.equal(r.mpguardImportable, undefined);
  });

  it('answers whether mpguard is importable from the environment', { skip: !python3 && 'no python3 on PATH' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpguard-probe-'));
    fs.mkdirSync(path.join(dir, 'mpguard'));
    fs.writeFileSync(path.join(dir, 'mpguard', '__init__.py'), '__version__ = "9.9"\n');
    const env = { ...process.env, PYTHONPATH: dir };
    const yes = await probePython([python3!], { checkImport: true, env, cwd: os.tmpdir() });
    assert.equal(yes.mpguardImportable, true);
    assert.equal(yes.mpguardVersion, '9.9');
    const noEnv = { ...process.env, PYTHONPATH: fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')) };
    const no = await probePython([python3!, '-s'], { checkImport: true, env: noEnv, cwd: os.tmpdir() });
    // -s: no user site; a system-wide mpguard install would make this true, so only check the type.
    assert.equal(typeof no.mpguardImportable, 'boolean');
  });

  it('explains an interpreter that fails in one line, without the probe script', { skip: process.platform === 'win32' && 'a shell script' }, async () => {
    // What a pyenv shim for a version that is not selected does (seen in the VS Code e2e).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpguard-shim-'));
    const shim = path.join(dir, 'python3.8');
    fs.writeFileSync(shim, '#!/bin/sh\necho "pyenv: python3.8: command not found" >&2\necho >&2\necho "Note: See pyenv help global" >&2\nexit 127\n');
    fs.chmodSync(shim, 0o755);
    const r = await probePython([shim], { cwd: os.tmpdir() });
    assert.equal(r.ok, false);
    assert.equal(r.error, `${shim} exited with code 127: pyenv: python3.8: command not found`);
  });

  it('takes the last line of a Python traceback as the reason', () => {
    const err = Object.assign(new Error('Command failed: python -c import json, sys ...'), { code: 1 });
    const stderr = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nImportError: bad magic number\n';
    assert.equal(probeFailure('/usr/bin/python3', err, stderr), '/usr/bin/python3 exited with code 1: ImportError: bad magic number');
    assert.equal(probeFailure('py', Object.assign(new Error('x'), { killed: true }), ''), 'py did not answer within 15 s');
  });

  it('explains a missing interpreter', async () => {
    const r = await probePython(['/nonexistent/python3']);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /not found/);
  });

  it('rejects a program that is not Python', async () => {
    const r = await probePython(['/bin/echo']);
    assert.equal(r.ok, false);
  });
});

describe('versionOk', () => {
  it('requires Python 3.10+', () => {
    assert.ok(versionOk([3, 10, 0]));
    assert.ok(versionOk([3, 13, 1]));
    assert.ok(versionOk([4, 0]));
    assert.ok(!versionOk([3, 9, 18]));
    assert.ok(!versionOk([2, 7]));
    assert.ok(!versionOk(undefined));
    assert.equal(formatVersion([3, 11, 7]), '3.11.7');
    assert.equal(formatVersion(undefined), 'unknown');
  });
});
