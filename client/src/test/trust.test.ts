import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolveServer } from '../interpreter';
import type { ResolveInputs } from '../interpreter';
import { buildInitializationOptions } from '../settings';
import type { ConfigSource } from '../settings';
import { argvRefusal, linkChain, looksLikePath, nodeTrustFs, refusal, restrictInputs } from '../trust';
import type { TrustContext, TrustFs } from '../trust';

/** A fake file system: `links` maps a link to its stored target, `real` lists existing paths. */
function fakeFs(links: Record<string, string>, real: string[] = []): TrustFs {
  const resolve = (p: string): string => {
    for (let i = 0; i < 40; i++) {
      const hit = Object.keys(links).find(l => p === l || p.startsWith(l + '/'));
      if (!hit) return p;
      p = path.posix.resolve(path.posix.dirname(hit), links[hit]) + p.slice(hit.length);
    }
    return p;
  };
  return {
    realpath: p => {
      const r = resolve(p);
      return real.some(e => r === e || r.startsWith(e + '/')) ? r : undefined;
    },
    readlink: p => links[p],
  };
}

const untrusted = (fsys: TrustFs = fakeFs({}), platform: NodeJS.Platform = 'linux'): TrustContext => ({
  trusted: false, workspaceFolders: ['/ws'], fs: fsys, platform,
});

function inputs(over: Partial<ResolveInputs> = {}): ResolveInputs {
  return {
    pathSetting: [], interpreterSetting: [], pythonExtensionInterpreter: undefined,
    which: () => undefined, trusted: false, workspaceFolders: ['/ws'], ...over,
  };
}

async function resolveRestricted(over: Partial<ResolveInputs>, ctx: TrustContext = untrusted(fakeFs({}, ['/ws', '/usr']))) {
  const notes: string[] = [];
  const which = (name: string) => (over.which ? (over.which(name) as string | undefined) : undefined);
  const r = await resolveServer(restrictInputs(inputs(over), ctx, notes, which));
  return { r, notes };
}

describe('Restricted Mode: programs inside the workspace never run', () => {
  it('refuses a user setting that resolved ${workspaceFolder}/.venv/bin/python and falls back to PATH', async () => {
    const { r, notes } = await resolveRestricted({
      interpreterSetting: ['/ws/.venv/bin/python'], which: (n: string) => (n === 'python3' ? '/usr/bin/python3' : undefined),
    });
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', ['/usr/bin/python3']]);
    assert.deepEqual(notes, ['Restricted Mode: not running /ws/.venv/bin/python (mpguard.interpreter): '
      + '/ws/.venv/bin/python is inside the workspace folder /ws; trust the workspace to allow it.']);
  });

  it('refuses mpguard.path into the workspace, bare names found on a PATH entry inside it, and script arguments', async () => {
    const { r, notes } = await resolveRestricted({
      pathSetting: ['/ws/tools/mpguard', 'server'],
      interpreterSetting: ['/usr/bin/python3', '/ws/evil.py'],
      which: (n: string) => ({ python3: '/ws/bin/python3', python: '/usr/bin/python' } as Record<string, string>)[n],
    });
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', ['/usr/bin/python']]);
    assert.deepEqual(notes, [
      'Restricted Mode: not running /ws/tools/mpguard server (mpguard.path): /ws/tools/mpguard is inside the workspace folder /ws; trust the workspace to allow it.',
      'Restricted Mode: not running /usr/bin/python3 /ws/evil.py (mpguard.interpreter): its argument /ws/evil.py is inside the workspace folder /ws; trust the workspace to allow it.',
      'Restricted Mode: not running /ws/bin/python3 (PATH): /ws/bin/python3 is inside the workspace folder /ws; trust the workspace to allow it.',
    ]);
  });

  it('refuses a bare command name that PATH resolves into the workspace', () => {
    const why = argvRefusal(['mpguard', 'server'], untrusted(), name => (name === 'mpguard' ? '/ws/node_modules/.bin/mpguard' : undefined));
    assert.equal(why, '/ws/node_modules/.bin/mpguard is inside the workspace folder /ws');
  });

  it('refuses relative paths (they would resolve against some folder the user did not pick)', () => {
    assert.equal(refusal('.venv/bin/python', untrusted()), '.venv/bin/python is a relative path');
    assert.equal(argvRefusal(['./python'], untrusted(), () => undefined), './python is a relative path');
  });

  it('follows symlinks: a link outside pointing in, a symlinked folder, a symlinked workspace', () => {
    const fsys = fakeFs({ '/home/u/py': '/ws/.venv/bin/python', '/home/u/venv': '/ws/.venv', '/ws/.venv/bin/python': '/usr/bin/python3.12' }, ['/ws', '/usr', '/home/u']);
    assert.equal(refusal('/home/u/py', untrusted(fsys)), '/home/u/py is inside the workspace folder /ws');
    // The venv's own python links out to the system one, but Python would read /ws/.venv/pyvenv.cfg.
    assert.equal(refusal('/home/u/venv/bin/python', untrusted(fsys)), '/home/u/venv/bin/python is inside the workspace folder /ws');
    const linkedWs = fakeFs({ '/link-to-ws': '/real/ws' }, ['/real/ws']);
    const ctx: TrustContext = { trusted: false, workspaceFolders: ['/link-to-ws'], fs: linkedWs, platform: 'linux' };
    assert.equal(refusal('/real/ws/.venv/bin/python', ctx), '/real/ws/.venv/bin/python is inside the workspace folder /real/ws');
  });

  it('allows programs outside every workspace folder, and everything in a trusted workspace', () => {
    const fsys = fakeFs({ '/usr/bin/python3': 'python3.12' }, ['/usr', '/ws']);
    assert.equal(refusal('/usr/bin/python3', untrusted(fsys)), undefined);
    assert.equal(refusal('/wsx/python', untrusted(fsys)), undefined); // a sibling whose name starts the same
    assert.equal(refusal('/ws/.venv/bin/python', { ...untrusted(fsys), trusted: true }), undefined);
    assert.deepEqual(linkChain('/usr/bin/python3', untrusted(fsys)),
      ['/usr/bin/python3', '/usr/bin/python3.12']);
  });

  it('compares Windows paths case-insensitively, with either separator', () => {
    const win: TrustContext = { trusted: false, workspaceFolders: ['C:\\Users\\me\\proj'], fs: { realpath: () => undefined, readlink: () => undefined }, platform: 'win32' };
    assert.equal(refusal('c:\\users\\ME\\Proj\\.venv\\Scripts\\python.exe', win),
      'c:\\users\\ME\\Proj\\.venv\\Scripts\\python.exe is inside the workspace folder C:\\Users\\me\\proj');
    assert.equal(refusal('C:/Users/me/proj/.venv/Scripts/python.exe', win) !== undefined, true);
    assert.equal(refusal('C:\\Python312\\python.exe', win), undefined);
    assert.equal(looksLikePath('C:python.exe', 'win32'), true);
    assert.equal(looksLikePath('-X', 'win32'), false);
  });

  it('leaves trusted workspaces alone', async () => {
    const notes: string[] = [];
    const given = inputs({ trusted: true, interpreterSetting: ['/ws/.venv/bin/python'] });
    const ctx: TrustContext = { ...untrusted(), trusted: true };
    assert.equal(restrictInputs(given, ctx, notes, () => undefined), given);
    const r = await resolveServer(given);
    assert.ok(r.ok);
    assert.deepEqual(r.argv, ['/ws/.venv/bin/python']);
  });

  it('checks the Python extension\'s interpreter too', async () => {
    const { r, notes } = await resolveRestricted({ pythonExtensionInterpreter: async () => '/ws/.venv/bin/python' });
    assert.equal(r.ok, false);
    assert.deepEqual(notes, ['Restricted Mode: not running /ws/.venv/bin/python (Python extension): /ws/.venv/bin/python is inside the workspace folder /ws; trust the workspace to allow it.']);
  });

  it('works on the real file system with a real symlink into the workspace', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mpguard-trust-')));
    try {
      fs.mkdirSync(path.join(root, 'ws', '.venv', 'bin'), { recursive: true });
      fs.writeFileSync(path.join(root, 'ws', '.venv', 'bin', 'python'), '#!/bin/sh\n');
      fs.symlinkSync(path.join(root, 'ws', '.venv', 'bin', 'python'), path.join(root, 'innocent-python'));
      const ctx: TrustContext = { trusted: false, workspaceFolders: [path.join(root, 'ws')], fs: nodeTrustFs, platform: process.platform };
      assert.equal(refusal(path.join(root, 'innocent-python'), ctx),
        `${path.join(root, 'innocent-python')} is inside the workspace folder ${path.join(root, 'ws')}`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the server is told whether the workspace is trusted', () => {
  const empty: ConfigSource = { inspect: () => undefined } as unknown as ConfigSource;
  it('sends workspaceTrusted in initializationOptions', () => {
    assert.equal(buildInitializationOptions([], empty, { trusted: false }).workspaceTrusted, false);
    assert.equal(buildInitializationOptions([], empty, { trusted: true }).workspaceTrusted, true);
  });
});
