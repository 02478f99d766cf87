import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RestartQueue } from '../restartQueue';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('RestartQueue', () => {
  it('coalesces a burst of requests into one restart', async () => {
    const runs: string[][] = [];
    const q = new RestartQueue(async reasons => { runs.push(reasons); }, 20);
    await Promise.all([q.request('a'), q.request('b'), q.request('c')]);
    assert.deepEqual(runs, [['a', 'b', 'c']]);
  });

  it('runs restarts one at a time and queues one more for requests made while running', async () => {
    let active = 0; let maxActive = 0; const runs: string[][] = [];
    const q = new RestartQueue(async reasons => {
      active++; maxActive = Math.max(maxActive, active);
      runs.push(reasons);
      await sleep(40);
      active--;
    }, 5);
    const first = q.request('first');
    await sleep(20); // first is running now
    const more = [q.request('x'), q.request('y')];
    await Promise.all([first, ...more]);
    assert.equal(maxActive, 1);
    assert.deepEqual(runs, [['first'], ['x', 'y']]);
  });

  it('propagates a failed restart to its requesters and keeps working', async () => {
    let fail = true;
    const q = new RestartQueue(async () => { if (fail) throw new Error('nope'); }, 1);
    await assert.rejects(q.request('a'), /nope/);
    fail = false;
    await q.request('b');
  });

  it('does nothing after dispose', async () => {
    let runs = 0;
    const q = new RestartQueue(async () => { runs++; }, 10);
    const p = q.request('a');
    q.dispose();
    await p;
    await q.request('b');
    assert.equal(runs, 0);
  });
});
