import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS, forwardToServer, splitServerCommands } from '../commands';

describe('splitServerCommands', () => {
  it('keeps the extension\'s own ids out of vscode-languageclient\'s registrations', () => {
    const s = splitServerCommands(['mpguard.applyFix', 'mpguard.fixAll', 'mpguard.showRuleDocs', 'mpguard.debugInfo']);
    assert.deepEqual(s.register, ['mpguard.applyFix', 'mpguard.showRuleDocs', 'mpguard.debugInfo']);
    assert.deepEqual(s.owned, ['mpguard.fixAll']);
  });
  it('handles a server without commands', () => {
    assert.deepEqual(splitServerCommands(undefined), { register: [], owned: [] });
  });
  it('owns restart, showLogs and fixAll', () => {
    assert.deepEqual([...CLIENT_COMMANDS].sort(), ['mpguard.fixAll', 'mpguard.restart', 'mpguard.showLogs']);
  });
});

describe('forwardToServer', () => {
  it('forwards calls with arguments to a server command the extension owns', () => {
    assert.equal(forwardToServer('mpguard.fixAll', [{ uri: 'file:///a.py' }], ['mpguard.fixAll']), true);
  });
  it('handles palette calls (no arguments) itself', () => {
    assert.equal(forwardToServer('mpguard.fixAll', [], ['mpguard.fixAll']), false);
  });
  it('does not forward when the server has no such command', () => {
    assert.equal(forwardToServer('mpguard.fixAll', ['file:///a.py'], []), false);
  });
});
