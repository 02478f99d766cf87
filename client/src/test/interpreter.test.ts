import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInside, NO_PYTHON_FIX, resolutionKey, resolveServer } from '../interpreter';
import type { ResolveInputs } from '../interpreter';

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
