import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import type { Logger } from '../../src/logger.js';
import { engineFixture, until } from './engine-fixture.js';

function recordingLogger() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('Worker: handler context', () => {
  it('enqueues follow-up jobs and logs with the job fields', async () => {
    const child = defineTask({
      name: 'child',
      handler: async (payload: { parent: string }) => payload.parent,
    });
    const parent = defineTask({
      name: 'parent',
      handler: async (_payload: null, ctx) => {
        ctx.logger.info({ step: 1 }, 'spawning child');
        const first = await ctx.enqueue(child, { parent: ctx.job.id }, { id: `child-of-${ctx.job.id}` });
        const again = await ctx.enqueue('child', { parent: ctx.job.id }, { id: `child-of-${ctx.job.id}` });
        return { first, again };
      },
    });
    const { logger, lines } = recordingLogger();
    const { docket, work } = await engineFixture([child, parent], { logger });
    const { id } = await docket.enqueue(parent, null);
    await (await work()).drain();
    const done = await docket.getJob(id);
    expect(done!.result).toEqual({
      first: { id: `child-of-${id}`, duplicate: false },
      again: { id: `child-of-${id}`, duplicate: true },
    });
    expect(await docket.getJob(`child-of-${id}`)).toMatchObject({ state: 'completed', result: id });
    expect(lines.find((l) => l.message === 'spawning child')).toEqual({
      level: 'info',
      message: 'spawning child',
      fields: { jobId: id, task: 'parent', queue: 'default', attempt: 1, step: 1 },
    });
  });

  it('reports a throwing event listener without disturbing the job', async () => {
    const task = defineTask({ name: 'listened', handler: async () => 'ok' });
    const { docket, work } = await engineFixture([task]);
    docket.on('completed', () => {
      throw new Error('listener bug');
    });
    const { id } = await docket.enqueue(task, null);
    await (await work()).drain();
    expect(await docket.getJob(id)).toMatchObject({ state: 'completed' });
  });

  it('heartbeats on its own every heartbeatMs', async () => {
    let release!: () => void;
    const task = defineTask({
      name: 'beats',
      handler: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    const { docket, store, work } = await engineFixture([task]);
    await docket.enqueue(task, null);
    const heartbeat = vi.spyOn(store, 'heartbeat');
    const worker = await work({ leaseMs: 300, heartbeatMs: 20 });
    await until(() => heartbeat.mock.calls.length >= 3);
    expect(heartbeat.mock.calls[0]![0]).toMatchObject({ leaseMs: 300, leases: [{ id: expect.any(String) }] });
    release();
    await worker.drain();
  });

  it('stops in bounded time when the store refuses every acknowledgement', async () => {
    const task = defineTask({ name: 'unacked', handler: async () => 'ok' });
    const { docket, store, events, work } = await engineFixture([task]);
    const { id } = await docket.enqueue(task, null);
    vi.spyOn(store, 'acknowledge').mockRejectedValue(new Error('store down'));
    const worker = await work({ pollIntervalMs: 10 });
    await until(() => events.error.length >= 1);
    const before = Date.now();
    await worker.stop({ timeout: 100 });
    expect(Date.now() - before).toBeLessThan(3000);
    expect(events.error.some((e) => /it will run again once its lease expires/.test(e.context))).toBe(true);
    // The job stays active under its lease: the rescuer brings it back once the lease expires.
    expect(await docket.getJob(id)).toMatchObject({ state: 'active' });
  });

  it('keeps working with a logger that throws', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const logger: Logger = { debug: boom, info: boom, warn: boom, error: boom };
    const ok = defineTask({ name: 'ok', handler: async () => 'fine' });
    const bad = defineTask({
      name: 'bad',
      maxAttempts: 1,
      handler: async () => {
        throw new Error('x');
      },
    });
    const { docket, events, work } = await engineFixture([ok, bad], { logger });
    const a = await docket.enqueue(ok, null);
    const b = await docket.enqueue(bad, null);
    await (await work()).drain();
    expect(await docket.getJob(a.id)).toMatchObject({ state: 'completed' });
    expect(await docket.getJob(b.id)).toMatchObject({ state: 'failed' });
    expect(events.completed).toHaveLength(1);
    expect(events.failed).toHaveLength(1);
  });

  it('methods taken off the context (destructured) still work', async () => {
    const snoozing = defineTask({
      name: 'destructured-snooze',
      handler: async (payload: number, { snooze, heartbeat, job }) => {
        await heartbeat();
        if (job.attempt === 1 && payload === 1) snooze(5_000);
        return 'done';
      },
    });
    const cancelling = defineTask({
      name: 'destructured-cancel',
      handler: (_payload: null, { cancel }) => cancel('no longer wanted'),
    });
    const { docket, work } = await engineFixture([snoozing, cancelling]);
    const a = await docket.enqueue(snoozing, 1);
    const b = await docket.enqueue(cancelling, null);
    await (await work()).drain();
    const snoozed = await docket.getJob(a.id);
    expect(snoozed).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect(await docket.getJob(b.id)).toMatchObject({ state: 'cancelled', cancelReason: 'no longer wanted' });
  });
});
