import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { envVar, isBatchFile, pathExts, quoteArg, which, whichAll } from '../which';
import type { FileSystem } from '../which';

describe('which', () => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), 'which-a-'));
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'which-b-'));
  fs.writeFileSync(path.join(a, 'python3'), '');              // not executable
  fs.writeFileSync(path.join(b, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(path.join(a, 'python'));                       // a directory
  it('returns the first executable file on PATH', () => {
    assert.equal(which('python3', { PATH: `${a}:${b}` }, 'linux'), path.join(b, 'python3'));
    assert.equal(which('python', { PATH: `${a}:${b}` }, 'linux'), undefined);
    assert.equal(which('python3', { PATH: '' }, 'linux'), undefined);
  });
  it('checks a path with a slash directly', () => {
    assert.equal(which(path.join(b, 'python3'), {}, 'linux'), path.join(b, 'python3'));
    assert.equal(which(path.join(a, 'python3'), {}, 'linux'), undefined);
  });
});

/** A file system holding exactly `files` (all executable). */
function fakeFs(files: string[]): FileSystem {
  const set = new Set(files);
  return { isFile: f => set.has(f), isExecutable: f => set.has(f) };
}

describe('which on Windows (win32 fake: Path, PATHEXT, quoted entries)', () => {
  const files = fakeFs([
    'C:\\Program Files\\Python312\\python.exe',
    'C:\\Program Files\\Python312\\python.bat',
    'C:\\Windows\\py.exe',
    'C:\\Users\\me\\.pyenv\\pyenv-win\\shims\\python.bat',
    'C:\\tools\\python',                                      // no extension: not runnable on Windows
  ]);
  const env = { Path: 'C:\\tools;"C:\\Program Files\\Python312";C:\\Windows;;', PATHEXT: '.COM;.EXE;.BAT;.CMD' };

  it('finds python.exe through PATHEXT, in a quoted entry with a space, via `Path`', () => {
    assert.equal(which('python', env, 'win32', files), 'C:\\Program Files\\Python312\\python.exe');
    assert.equal(which('py', env, 'win32', files), 'C:\\Windows\\py.exe');
    assert.equal(which('python3', env, 'win32', files), undefined);  // no python3 on Windows
  });
  it('tries extensions in PATHEXT order, and a name with an extension as is', () => {
    assert.equal(which('python', { ...env, PATHEXT: '.BAT;.EXE' }, 'win32', files), 'C:\\Program Files\\Python312\\python.bat');
    assert.equal(which('python.bat', env, 'win32', files), 'C:\\Program Files\\Python312\\python.bat');
    assert.deepEqual(whichAll('python', env, 'win32', files),
      ['C:\\Program Files\\Python312\\python.exe', 'C:\\Program Files\\Python312\\python.bat']);
  });
  it('reads PATHEXT case-insensitively and defaults it', () => {
    assert.deepEqual(pathExts({}), ['.COM', '.EXE', '.BAT', '.CMD']);
    assert.equal(which('python', { PATH: env.Path, PathExt: '.cmd;.bat' }, 'win32', files), 'C:\\Program Files\\Python312\\python.bat');
    assert.equal(envVar({ Path: 'x' }, 'PATH', 'win32'), 'x');
    assert.equal(envVar({ Path: 'x' }, 'PATH', 'linux'), undefined);
  });
  it('checks a path with a backslash directly', () => {
    assert.equal(which('C:\\Windows\\py.exe', {}, 'win32', files), 'C:\\Windows\\py.exe');
    assert.equal(which('C:\\Windows\\py', {}, 'win32', files), 'C:\\Windows\\py.exe');
    assert.ok(isBatchFile('C:\\x\\python.BAT') && isBatchFile('a.cmd') && !isBatchFile('python.exe'));
  });
});

describe('which on macOS (darwin fake)', () => {
  it('splits PATH on colons and keeps spaces in directories', () => {
    const files = fakeFs(['/Users/me/Library/Application Support/py/bin/python3', '/usr/bin/python3']);
    const env = { PATH: '/Users/me/Library/Application Support/py/bin:/usr/bin' };
    assert.deepEqual(whichAll('python3', env, 'darwin', files),
      ['/Users/me/Library/Application Support/py/bin/python3', '/usr/bin/python3']);
  });
});

describe('quoteArg (paths with spaces in a copyable command line)', () => {
  it('Windows: double quotes, backslashes kept', () => {
    assert.equal(quoteArg('C:\\Python312\\python.exe', 'win32'), 'C:\\Python312\\python.exe');
    assert.equal(quoteArg('C:\\Program Files\\Python312\\python.exe', 'win32'), '"C:\\Program Files\\Python312\\python.exe"');
    assert.equal(quoteArg('C:\\my dir\\', 'win32'), '"C:\\my dir\\\\"');
    assert.equal(quoteArg('say "hi"', 'win32'), '"say \\"hi\\""');
  });
  it('POSIX: single quotes', () => {
    assert.equal(quoteArg('/usr/bin/python3', 'darwin'), '/usr/bin/python3');
    assert.equal(quoteArg('/Users/me/my env/bin/python', 'darwin'), "'/Users/me/my env/bin/python'");
    assert.equal(quoteArg("it's", 'linux'), "'it'\\''s'");
  });
});
