import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { which } from '../which';

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
