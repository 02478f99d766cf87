import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Resolved } from '../interpreter';
import { buildLaunch, bundledLibsDir, describeLaunch, probeEnv, SERVER_ARGS } from '../serverCommand';

const python = (argv: string[]): Resolved => ({ ok: true, kind: 'python', argv, source: 'interpreter', notes: [] });
const EXT = '/home/u/.vscode/extensions/mpguard.mpguard-0.1.0-linux-x64';
const LIBS = path.join(EXT, 'bundled', 'libs');

describe('buildLaunch', () => {
  it('useBundled: <python> -m mpguard server --stdio with the bundle first on PYTHONPATH', () => {
    const plan = buildLaunch({ resolved: python(['/usr/bin/python3']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: { PATH: '/usr/bin', PYTHONPATH: '/mine' }, platform: 'linux' });
    assert.equal(plan.command, '/usr/bin/python3');
    assert.deepEqual(plan.args, ['-m', 'mpguard', 'server', '--stdio']);
    assert.equal(plan.env.PYTHONPATH, `${LIBS}:/mine`);
    assert.equal(plan.env.PATH, '/usr/bin');
    assert.equal(plan.env.PYTHONUTF8, '1');
    assert.equal(plan.serverFrom, 'bundled');
    assert.equal(bundledLibsDir(EXT), LIBS);
  });

  it('keeps interpreter arguments before -m', () => {
    const plan = buildLaunch({ resolved: python(['/usr/bin/python3', '-X', 'utf8']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: {}, platform: 'linux' });
    assert.deepEqual(plan.args, ['-X', 'utf8', ...SERVER_ARGS]);
    assert.equal(plan.env.PYTHONPATH, LIBS);
  });

  it('fromEnvironment: no bundle on PYTHONPATH when the interpreter can import mpguard', () => {
    const plan = buildLaunch({ resolved: python(['/venv/bin/python']), importStrategy: 'fromEnvironment', mpguardImportable: true, extensionPath: EXT, baseEnv: { PYTHONPATH: '/mine' }, platform: 'linux' });
    assert.equal(plan.env.PYTHONPATH, '/mine');
    assert.deepEqual(plan.args, [...SERVER_ARGS]);
    assert.equal(plan.serverFrom, 'environment');
    assert.equal(plan.notes.length, 0);
  });

  it('fromEnvironment: falls back to the bundle (with a note) when it cannot', () => {
    const plan = buildLaunch({ resolved: python(['/venv/bin/python']), importStrategy: 'fromEnvironment', mpguardImportable: false, extensionPath: EXT, baseEnv: {}, platform: 'linux' });
    assert.equal(plan.env.PYTHONPATH, LIBS);
    assert.equal(plan.serverFrom, 'bundled');
    assert.match(plan.notes[0], /bundled/);
  });

  it('mpguard.path: runs the command as given', () => {
    const plan = buildLaunch({ resolved: { ok: true, kind: 'command', argv: ['/opt/bin/mpguard', 'server'], source: 'path', notes: [] }, importStrategy: 'useBundled', extensionPath: EXT, baseEnv: { PYTHONPATH: '/mine' }, platform: 'linux' });
    assert.equal(plan.command, '/opt/bin/mpguard');
    assert.deepEqual(plan.args, ['server']);
    assert.equal(plan.env.PYTHONPATH, '/mine');
    assert.equal(plan.serverFrom, 'command');
  });

  it('never runs in the workspace directory, and asks Python not to put the cwd on sys.path', () => {
    const plan = buildLaunch({ resolved: python(['python3']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: {}, platform: 'linux' });
    assert.equal(plan.cwd, EXT);
    assert.equal(plan.env.PYTHONSAFEPATH, '1');
  });

  it('uses ; as the PYTHONPATH separator on Windows', () => {
    const plan = buildLaunch({ resolved: python(['py']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: { PYTHONPATH: 'C:\\x' }, platform: 'win32' });
    assert.ok(plan.env.PYTHONPATH.endsWith(';C:\\x'));
  });

  it('drops undefined environment values and does not mutate the input', () => {
    const base = { A: 'x', B: undefined };
    const plan = buildLaunch({ resolved: python(['python3']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: base, platform: 'linux' });
    assert.ok(!('B' in plan.env));
    assert.deepEqual(base, { A: 'x', B: undefined });
  });
});

describe('describeLaunch / probeEnv', () => {
  it('logs the command line and PYTHONPATH but no other environment values', () => {
    const plan = buildLaunch({ resolved: python(['/usr/bin/python3']), importStrategy: 'useBundled', extensionPath: EXT, baseEnv: { SECRET_TOKEN: 'hunter2' }, platform: 'linux' });
    const line = describeLaunch(plan);
    assert.match(line, /\/usr\/bin\/python3 -m mpguard server --stdio/);
    assert.match(line, /PYTHONPATH=/);
    assert.doesNotMatch(line, /hunter2/);
  });
  it('probes without the bundle', () => {
    const env = probeEnv({ PATH: '/usr/bin', X: undefined });
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.PYTHONPATH, undefined);
    assert.equal(env.PYTHONSAFEPATH, '1');
  });
});
