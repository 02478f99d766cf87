import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInside, MACOS_PYTHONS, MACOS_SYSTEM_PYTHON, NO_PYTHON_FIX, resolutionKey, resolveServer, unquote, venvPythons } from '../interpreter';
import type { ResolveInputs } from '../interpreter';
import { which } from '../which';
import type { FileSystem } from '../which';

function inputs(over: Partial<ResolveInputs> = {}): ResolveInputs {
  return {
    pathSetting: [],
    interpreterSetting: [],
    pythonExtensionInterpreter: undefined,
    which: () => undefined,
    trusted: true,
    workspaceFolders: ['/ws'],
    ...over,
  };
}
const onPath = (found: Record<string, string>) => (name: string) => found[name];

describe('resolveServer: the order', () => {
  it('1. mpguard.path wins over everything', async () => {
    const r = await resolveServer(inputs({
      pathSetting: ['/opt/mpguard/bin/mpguard', 'server'], interpreterSetting: ['/usr/bin/python3'],
      pythonExtensionInterpreter: async () => '/ext/python', which: onPath({ python3: '/usr/bin/python3' }),
    }));
    assert.ok(r.ok);
    assert.deepEqual([r.kind, r.source, r.argv], ['command', 'path', ['/opt/mpguard/bin/mpguard', 'server']]);
  });

  it('2. then mpguard.interpreter (with its arguments)', async () => {
    const r = await resolveServer(inputs({ interpreterSetting: ['/usr/bin/python3.12', '-X', 'utf8'], pythonExtensionInterpreter: async () => '/ext/python' }));
    assert.ok(r.ok);
    assert.deepEqual([r.kind, r.source, r.argv], ['python', 'interpreter', ['/usr/bin/python3.12', '-X', 'utf8']]);
  });

  it('3. then the Python extension\'s active environment', async () => {
    const r = await resolveServer(inputs({ pythonExtensionInterpreter: async () => '/home/u/venv/bin/python', which: onPath({ python3: '/usr/bin/python3' }) }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['pythonExtension', ['/home/u/venv/bin/python']]);
  });

  it('4. then python3, then python on PATH (extension absent, or without an environment)', async () => {
    let r = await resolveServer(inputs({ pythonExtensionInterpreter: async () => undefined, which: onPath({ python3: '/usr/bin/python3', python: '/usr/bin/python' }) }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', ['/usr/bin/python3']]);
    r = await resolveServer(inputs({ which: onPath({ python: '/usr/local/bin/python' }) }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, ['/usr/local/bin/python']);
  });

  it('a failing Python extension API falls through to PATH with a note', async () => {
    const r = await resolveServer(inputs({ pythonExtensionInterpreter: async () => { throw new Error('boom'); }, which: onPath({ python3: '/usr/bin/python3' }) }));
    assert.ok(r.ok);
    assert.equal(r.source, 'PATH');
    assert.match(r.notes.join('\n'), /boom/);
  });

  it('5. nothing found: an error that says how to fix it', async () => {
    const r = await resolveServer(inputs());
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.message, /No Python interpreter/);
    assert.equal(r.fix, NO_PYTHON_FIX);
    assert.match(r.fix, /mpguard\.interpreter/);
    assert.match(r.fix, /PATH/);
    assert.equal(resolutionKey(r), 'unresolved');
  });
});

describe('resolveServer: Restricted Mode', () => {
  it('skips a workspace-local interpreter from the Python extension or PATH', async () => {
    const r = await resolveServer(inputs({
      trusted: false,
      pythonExtensionInterpreter: async () => '/ws/.venv/bin/python',
      which: onPath({ python3: '/ws/bin/python3', python: '/usr/bin/python' }),
    }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', ['/usr/bin/python']]);
    assert.equal(r.notes.length, 2);
    assert.match(r.notes[0], /Restricted Mode/);
  });

  it('accepts the same interpreter once the workspace is trusted', async () => {
    const r = await resolveServer(inputs({ trusted: true, pythonExtensionInterpreter: async () => '/ws/.venv/bin/python' }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, ['/ws/.venv/bin/python']);
  });

  it('isInside compares whole path segments', () => {
    assert.ok(isInside('/ws/.venv/bin/python', ['/ws']));
    assert.ok(isInside('/ws', ['/ws']));
    assert.ok(!isInside('/ws2/bin/python', ['/ws']));
    assert.ok(!isInside('/usr/bin/python3', ['/ws', '/other']));
    assert.ok(isInside('/ws/sub/../.venv/python', ['/ws']));
  });
});

describe('resolutionKey', () => {
  it('changes when the command changes', async () => {
    const a = await resolveServer(inputs({ interpreterSetting: ['/a'] }));
    const b = await resolveServer(inputs({ interpreterSetting: ['/b'] }));
    const a2 = await resolveServer(inputs({ interpreterSetting: ['/a'] }));
    assert.notEqual(resolutionKey(a), resolutionKey(b));
    assert.equal(resolutionKey(a), resolutionKey(a2));
  });
});

// ------------------------------------------------------------------------------------------------
// Windows and macOS, with the platform, PATH and file system faked

function fakeFs(files: string[]): FileSystem {
  const set = new Set(files);
  return { isFile: f => set.has(f), isExecutable: f => set.has(f) };
}

function on(platform: NodeJS.Platform, files: string[], env: Record<string, string>, over: Partial<ResolveInputs> = {}): ResolveInputs {
  const fileSystem = fakeFs(files);
  return inputs({ platform, fileSystem, which: name => which(name, env, platform, fileSystem), ...over });
}

const WS = 'C:\\Users\\me\\my project é';
const PY312 = 'C:\\Program Files\\Python312\\python.exe';
const STORE = 'C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe';
const LAUNCHER = 'C:\\Windows\\py.exe';
const WIN_PATH = { Path: `C:\\Users\\me\\AppData\\Local\\Microsoft\\WindowsApps;"C:\\Program Files\\Python312";C:\\Windows` };

describe('resolveServer on Windows (win32 fakes)', () => {
  it('python.exe on PATH (no python3 there)', async () => {
    const r = await resolveServer(on('win32', [PY312, LAUNCHER], WIN_PATH, { workspaceFolders: [WS] }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', [PY312]]);
  });

  it('the py launcher before a Store alias that comes first on PATH', async () => {
    const r = await resolveServer(on('win32', [STORE, PY312, LAUNCHER], WIN_PATH, { workspaceFolders: [WS] }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['pyLauncher', [LAUNCHER, '-3']]);
  });

  it('then the py launcher, as `py -3`', async () => {
    const r = await resolveServer(on('win32', [STORE, LAUNCHER], WIN_PATH, { workspaceFolders: [WS] }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['pyLauncher', [LAUNCHER, '-3']]);
  });

  it('the Store alias only as a last resort', async () => {
    const r = await resolveServer(on('win32', [STORE], WIN_PATH, { workspaceFolders: [WS] }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [STORE]);
  });

  it('a workspace .venv\\Scripts\\python.exe when trusted, skipped in Restricted Mode', async () => {
    const venv = `${WS}\\.venv\\Scripts\\python.exe`;
    const files = [venv, LAUNCHER];
    let r = await resolveServer(on('win32', files, WIN_PATH, { workspaceFolders: [WS] }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['workspaceVenv', [venv]]);
    r = await resolveServer(on('win32', files, WIN_PATH, { workspaceFolders: [WS], trusted: false }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['pyLauncher', [LAUNCHER, '-3']]);
    assert.deepEqual(r.notes, [`Restricted Mode: not running ${venv} (workspace virtual environment), it is inside the workspace.`]);
  });

  it('Restricted Mode compares Windows paths case-insensitively', async () => {
    assert.ok(isInside('c:\\users\\ME\\My Project é\\.venv\\Scripts\\python.exe', [WS], 'win32'));
    assert.ok(!isInside('C:\\Users\\me\\my project 2\\python.exe', [WS], 'win32'));
    const r = await resolveServer(on('win32', [LAUNCHER], WIN_PATH, {
      workspaceFolders: [WS], trusted: false, pythonExtensionInterpreter: async () => 'c:\\users\\me\\MY PROJECT é\\env\\python.exe',
    }));
    assert.ok(r.ok);
    assert.equal(r.source, 'pyLauncher');
  });

  it('skips a batch-file shim (pyenv-win) with a note', async () => {
    const shim = 'C:\\Users\\me\\.pyenv\\pyenv-win\\shims\\python.bat';
    const r = await resolveServer(on('win32', [shim, LAUNCHER], { Path: 'C:\\Users\\me\\.pyenv\\pyenv-win\\shims;C:\\Windows' }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [LAUNCHER, '-3']);
    assert.match(r.notes.join('\n'), /python\.bat \(PATH\): a batch file cannot be started without a shell/);
  });

  it('keeps spaces in paths and removes command-line quotes from the interpreter setting', async () => {
    let r = await resolveServer(on('win32', [], {}, { interpreterSetting: [`"${PY312}"`, '-X', 'utf8'] }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [PY312, '-X', 'utf8']);
    r = await resolveServer(on('win32', [], {}, { pythonExtensionInterpreter: async () => PY312 }));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [PY312]);
    assert.equal(unquote("'/Users/me/my env/bin/python'"), '/Users/me/my env/bin/python');
  });

  it('nothing at all: the error that says how to fix it', async () => {
    const r = await resolveServer(on('win32', [], WIN_PATH));
    assert.equal(r.ok, false);
  });
});

describe('resolveServer on macOS (darwin fakes)', () => {
  const DOCK_PATH = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };  // VS Code started from the Dock

  it('Homebrew before Xcode\'s /usr/bin/python3 (3.9) when PATH has only the latter', async () => {
    for (const brew of ['/opt/homebrew/bin/python3', '/usr/local/bin/python3']) {
      const r = await resolveServer(on('darwin', [brew, MACOS_SYSTEM_PYTHON], DOCK_PATH));
      assert.ok(r.ok);
      assert.deepEqual([r.source, r.argv], ['wellKnown', [brew]]);
    }
  });

  it('the python.org framework build', async () => {
    const framework = '/Library/Frameworks/Python.framework/Versions/Current/bin/python3';
    const r = await resolveServer(on('darwin', [framework, MACOS_SYSTEM_PYTHON], DOCK_PATH));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [framework]);
    assert.ok(MACOS_PYTHONS.includes(framework));
  });

  it('PATH first when it has a Python other than /usr/bin/python3', async () => {
    const pyenv = '/Users/me/.pyenv/shims/python3';
    const r = await resolveServer(on('darwin', [pyenv, '/opt/homebrew/bin/python3'], { PATH: '/Users/me/.pyenv/shims:/usr/bin' }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['PATH', [pyenv]]);
  });

  it('/usr/bin/python3 as the last resort; a .venv/bin/python in the workspace first', async () => {
    let r = await resolveServer(on('darwin', [MACOS_SYSTEM_PYTHON], DOCK_PATH));
    assert.ok(r.ok);
    assert.deepEqual(r.argv, [MACOS_SYSTEM_PYTHON]);
    const venv = '/Users/me/my project/.venv/bin/python';
    r = await resolveServer(on('darwin', [venv, MACOS_SYSTEM_PYTHON], DOCK_PATH, { workspaceFolders: ['/Users/me/my project'] }));
    assert.ok(r.ok);
    assert.deepEqual([r.source, r.argv], ['workspaceVenv', [venv]]);
  });

  it('the layout of a venv per platform', () => {
    assert.deepEqual(venvPythons('C:\\ws', 'win32'), ['C:\\ws\\.venv\\Scripts\\python.exe', 'C:\\ws\\venv\\Scripts\\python.exe']);
    assert.deepEqual(venvPythons('/ws', 'darwin'), ['/ws/.venv/bin/python', '/ws/venv/bin/python']);
  });
});
