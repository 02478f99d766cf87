import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CrashPolicy, FailureMemory, failureNotice } from '../failure';

describe('failureNotice', () => {
  it('says why, adds the server\'s last error and offers Select Interpreter and Show Logs', () => {
    const n = failureNotice('The mpguard server stopped.', 'See "mpguard: Show Logs".',
      "ModuleNotFoundError: No module named 'mpguard'", true);
    assert.equal(n.message, "mpguard: The mpguard server stopped. (ModuleNotFoundError: No module named 'mpguard') See \"mpguard: Show Logs\".");
    assert.deepEqual(n.actions, [
      { title: 'Select Interpreter', command: 'python.setInterpreter', args: [] },
      { title: 'Show Logs', command: 'mpguard.showLogs', args: [] },
    ]);
  });
  it('opens the interpreter setting without the Python extension, and does not repeat the reason', () => {
    const message = '/usr/bin/python3.8 is Python 3.8.18; mpguard needs Python 3.10 or newer.';
    const n = failureNotice(message, 'Set "mpguard.interpreter" to a Python 3.10+ executable.', message, false);
    assert.equal(n.message, `mpguard: ${message} Set "mpguard.interpreter" to a Python 3.10+ executable.`);
    assert.deepEqual(n.actions[0], { title: 'Select Interpreter', command: 'workbench.action.openSettings', args: ['mpguard.interpreter'] });
  });
});

describe('FailureMemory', () => {
  it('tells each distinct failure once until the server ran or the user restarted', () => {
    const m = new FailureMemory();
    assert.equal(m.shouldNotify('a'), true);
    assert.equal(m.shouldNotify('a'), false);
    assert.equal(m.shouldNotify('b'), true);
    m.reset();
    assert.equal(m.shouldNotify('b'), true);
  });
});

describe('CrashPolicy', () => {
  it('restarts a running server up to max times in the window', () => {
    const p = new CrashPolicy(2, 60_000);
    assert.deepEqual([p.closed(0), p.closed(1000)], [{ restart: true }, { restart: true }]);
    assert.deepEqual(p.closed(2000), { restart: false, message: 'The mpguard server crashed 3 times in 1 minutes; it is not restarted.' });
    assert.deepEqual(new CrashPolicy(2, 60_000).closed(0), { restart: true });
    const q = new CrashPolicy(1, 60_000);
    assert.deepEqual([q.closed(0), q.closed(70_000)], [{ restart: true }, { restart: true }]);
  });
});
