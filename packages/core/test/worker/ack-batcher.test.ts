import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Ack, AcknowledgeParams, Storage } from '../../src/storage.js';
import { AckBatcher } from '../../src/worker/ack-batcher.js';

/** A store whose acknowledge records each batch and answers per ack id. */
function fakeStore(answer: (ack: Ack) => boolean | Error = () => true) {
  const batches: Ack[][] = [];
  const store = {
    async acknowledge({ acks }: AcknowledgeParams) {
      batches.push(acks);
      const answers = acks.map(answer);
      const error = answers.find((a) => a instanceof Error);
      if (error) throw error;
      return answers as boolean[];
    },
  } as unknown as Storage;
  return { store, batches };
}

const ack = (id: string): Ack => ({ type: 'complete', id, token: 't', result: null });

describe('AckBatcher', () => {
  it('sends acks pushed in one turn as one batch and resolves each', async () => {
    const { store, batches } = fakeStore((a) => a.id !== 'stale');
    const batcher = new AckBatcher(store, new ManualClock(), {
      maxBatch: 100,
      retryBaseMs: 10,
      report: () => {},
    });
    const results = await Promise.all(['a', 'stale', 'c'].map((id) => batcher.push(ack(id))));
    expect(results).toEqual([true, false, true]);
    expect(batches.map((b) => b.map((a) => a.id))).toEqual([['a', 'stale', 'c']]);
  });

  it('sends a full batch at once and the rest after it', async () => {
    const { store, batches } = fakeStore();
    const batcher = new AckBatcher(store, new ManualClock(), {
      maxBatch: 2,
      retryBaseMs: 10,
      report: () => {},
    });
    const pushed = ['a', 'b', 'c', 'd', 'e'].map((id) => batcher.push(ack(id)));
    await Promise.all(pushed);
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('retries a batch the store refused, reporting each failure', async () => {
    let failures = 2;
    const { store, batches } = fakeStore(() => (failures-- > 0 ? new Error('down') : true));
    const reported: unknown[] = [];
    const batcher = new AckBatcher(store, new ManualClock(), {
      maxBatch: 10,
      retryBaseMs: 1,
      report: (error) => reported.push(error),
    });
    expect(await batcher.push(ack('a'))).toBe(true);
    expect(batches).toHaveLength(3);
    expect(reported).toHaveLength(2);
  });

  it('gives up after a few attempts once closing, rejecting the pushes', async () => {
    const { store, batches } = fakeStore(() => new Error('down'));
    const batcher = new AckBatcher(store, new ManualClock(), {
      maxBatch: 10,
      retryBaseMs: 60_000,
      attemptsWhenClosing: 2,
      report: () => {},
    });
    const pushed = batcher.push(ack('a'));
    pushed.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    await batcher.close();
    await expect(pushed).rejects.toThrow('down');
    // One attempt before closing (then a long pause cut short by close), two while closing.
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  it('passes the clock time of the flush as now', async () => {
    const clock = new ManualClock(5000);
    let seen = 0;
    const store = {
      async acknowledge({ now }: AcknowledgeParams) {
        seen = now;
        return [true];
      },
    } as unknown as Storage;
    const batcher = new AckBatcher(store, clock, { maxBatch: 10, retryBaseMs: 10, report: () => {} });
    await batcher.push(ack('a'));
    expect(seen).toBe(5000);
  });
});
