import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { actionGroup, actionShown } from '../codeActionFilter';

describe('actionGroup', () => {
  it('sorts the server\'s actions into Ruff\'s toggles', () => {
    assert.equal(actionGroup('source.fixAll.mpguard', 'mpguard: Fix all auto-fixable problems'), 'fixAll');
    assert.equal(actionGroup('quickfix', 'Disable MP201 for this line'), 'disableRuleComment');
    assert.equal(actionGroup('quickfix', 'Disable MP201 for this file'), 'disableRuleComment');
    assert.equal(actionGroup('quickfix', 'Replace lambda with module-level function'), 'fixViolation');
    assert.equal(actionGroup('refactor.rewrite', 'Convert Pool to ProcessPoolExecutor'), 'other');
    assert.equal(actionGroup(undefined, 'x'), 'other');
  });
});

describe('actionShown', () => {
  const all = { fixAll: true, fixViolation: true, disableRuleComment: true };
  it('shows everything by default and hides exactly the group turned off', () => {
    assert.equal(actionShown('quickfix', 'Insert `pool.close()`', all), true);
    assert.equal(actionShown('quickfix', 'Insert `pool.close()`', { ...all, fixViolation: false }), false);
    assert.equal(actionShown('quickfix', 'Disable MP604 for this line', { ...all, fixViolation: false }), true);
    assert.equal(actionShown('quickfix', 'Disable MP604 for this line', { ...all, disableRuleComment: false }), false);
    assert.equal(actionShown('source.fixAll.mpguard', 'mpguard: Fix all auto-fixable problems', { ...all, fixAll: false }), false);
    assert.equal(actionShown('refactor.rewrite', 'Convert Pool to ProcessPoolExecutor', { fixAll: false, fixViolation: false, disableRuleComment: false }), true);
  });
});
