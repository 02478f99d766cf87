import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS, forwardToServer, ruleAtCursor, splitServerCommands } from '../commands';

describe('splitServerCommands', () => {
  it('keeps the extension\'s own ids out of vscode-languageclient\'s registrations', () => {
    const s = splitServerCommands(['mpguard.applyFix', 'mpguard.fixAll', 'mpguard.showRuleDocs', 'mpguard.debugInfo']);
    assert.deepEqual(s.register, ['mpguard.applyFix', 'mpguard.showRuleDocs', 'mpguard.debugInfo']);
    assert.deepEqual(s.owned, ['mpguard.fixAll']);
  });
  it('handles a server without commands', () => {
    assert.deepEqual(splitServerCommands(undefined), { register: [], owned: [] });
  });
  it('owns its palette commands, the server\'s checkWorkspace included', () => {
    assert.deepEqual([...CLIENT_COMMANDS].sort(), [
      'mpguard.checkWorkspace', 'mpguard.fixAll', 'mpguard.restart', 'mpguard.showDebugInfo', 'mpguard.showLogs',
      'mpguard.showRuleDocumentation',
    ]);
    const s = splitServerCommands(['mpguard.checkWorkspace', 'mpguard.showRuleDocs']);
    assert.deepEqual(s, { register: ['mpguard.showRuleDocs'], owned: ['mpguard.checkWorkspace'] });
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

describe('ruleAtCursor', () => {
  const at = (line: number, a: number, b: number) => ({ start: { line, character: a }, end: { line, character: b } });
  const diags = [
    { source: 'Pylance', code: 'reportX', range: at(3, 0, 40) },
    { source: 'mpguard', code: { value: 'MP201' }, range: at(3, 20, 30) },
    { source: 'mpguard', code: 'MP604', range: at(5, 4, 15) },
  ];
  it('takes the mpguard diagnostic under the cursor, ignoring other sources', () => {
    assert.equal(ruleAtCursor(diags, { line: 3, character: 25 }), 'MP201');
    assert.equal(ruleAtCursor(diags, { line: 5, character: 15 }), 'MP604');
  });
  it('falls back to one on the cursor\'s line, else none', () => {
    assert.equal(ruleAtCursor(diags, { line: 5, character: 40 }), 'MP604');
    assert.equal(ruleAtCursor(diags, { line: 3, character: 2 }), 'MP201');
    assert.equal(ruleAtCursor(diags, { line: 4, character: 0 }), undefined);
  });
});
