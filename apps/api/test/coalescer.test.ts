// The grouping rules of the coalescer, driven by hand-released adds (no Redis: this is its own logic).
import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../src/coalescer.js';

function controlledQueue() {
  const adds: Array<{ texts: string[]; release(): void }> = [];
  const queueShared = (group: ReadonlyArray<{ texts: string[] }>) =>
    new Promise<string>((resolve) => {
      const texts = group.flatMap((m) => m.texts);
      adds.push({ texts, release: () => resolve(`job-${adds.length}`) });
    });
  return { adds, queueShared };
}
/** A few turns of the event loop: enough for settled adds to free their slot and the next group to leave. */
const nextTurn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('createCoalescer', () => {
  it('sends a lone request at once, and groups those arriving while an add is in flight', async () => {
    const { adds, queueShared } = controlledQueue();
    const c = createCoalescer(queueShared, { maxTexts: 64, maxInflight: 1 });
    const first = c.submit(['a'], 'r1');
    await nextTurn();
    expect(adds.map((a) => a.texts)).toEqual([['a']]);
    const later = [c.submit(['b'], 'r2'), c.submit(['c', 'd'], 'r3'), c.submit(['e'], 'r4')];
    await nextTurn();
    expect(adds).toHaveLength(1); // waiting for the first add
    adds[0]!.release();
    expect(await first).toEqual({ job: 'job-1', start: 0, member: 0 });
    await nextTurn();
    expect(adds.map((a) => a.texts)).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    adds[1]!.release();
    expect(await Promise.all(later)).toEqual([
      { job: 'job-2', start: 0, member: 0 },
      { job: 'job-2', start: 1, member: 1 },
      { job: 'job-2', start: 3, member: 2 },
    ]);
  });

  it('never puts more than maxTexts in one job, nor splits a request', async () => {
    const { adds, queueShared } = controlledQueue();
    const c = createCoalescer(queueShared, { maxTexts: 4, maxInflight: 1 });
    const all = [c.submit(['1', '2', '3'], undefined), c.submit(['4', '5'], undefined), c.submit(['6', '7', '8', '9', '10'], undefined)];
    for (let i = 0; i < 3; i++) {
      await nextTurn();
      expect(adds).toHaveLength(i + 1);
      adds[i]!.release();
    }
    await Promise.all(all);
    expect(adds.map((a) => a.texts)).toEqual([['1', '2', '3'], ['4', '5'], ['6', '7', '8', '9', '10']]);
  });

  it('fails every request of a group whose add failed, and carries on with the next', async () => {
    let calls = 0;
    const c = createCoalescer(
      async () => {
        if (calls++ === 0) throw new Error('redis down');
        return 'ok';
      },
      { maxTexts: 64, maxInflight: 1 },
    );
    const failed = [c.submit(['a'], undefined), c.submit(['b'], undefined)];
    await expect(Promise.all(failed)).rejects.toThrow('redis down');
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      expect.objectContaining({ status: 'rejected' }),
      expect.objectContaining({ status: 'rejected' }),
    ]);
    await expect(c.submit(['c'], undefined)).resolves.toMatchObject({ job: 'ok' });
  });
});
