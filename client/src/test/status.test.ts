import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { statusView } from '../status';

describe('statusView', () => {
  it('is busy while starting, informative when running', () => {
    assert.equal(statusView({ kind: 'starting' }).busy, true);
    const running = statusView({ kind: 'running', detail: 'Python 3.11.7' });
    assert.deepEqual([running.busy, running.severity, running.detail], [false, 'information', 'Python 3.11.7']);
  });
  it('shows errors with their fix', () => {
    const v = statusView({ kind: 'error', message: 'No Python interpreter found.', fix: 'Set "mpguard.interpreter".' });
    assert.equal(v.severity, 'error');
    assert.equal(v.detail, 'No Python interpreter found. Set "mpguard.interpreter".');
    assert.match(v.text, /error/);
  });
  it('covers stopped and disabled', () => {
    assert.equal(statusView({ kind: 'stopped' }).severity, 'warning');
    assert.equal(statusView({ kind: 'disabled' }).severity, 'information');
  });
});
