import { MemoryStore } from '@docket/store-memory';
import { describe, expect, it, vi } from 'vitest';
import { defineTask } from '../../src/client/define-task.js';
import { Docket } from '../../src/client/docket.js';
import { ManualClock } from '../../src/clock.js';
import { InvalidOptionError, StoreClosedError } from '../../src/errors.js';
import type { DocketEvents } from '../../src/events.js';
import { silentLogger } from '../../src/logger.js';
import { Worker } from '../../src/worker/worker.js';

const quiet = { scheduler: false, cleaner: false, rescuer: false, pollIntervalMs: 20 } as const;

function setup(tasks: ReturnType<typeof defineTask<any, any>>[]) {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock });
  const docket = new Docket({ store, tasks, clock, logger: silentLogger });
  return { clock, store, docket };
}

describe('Docket.work', () => {
  it('starts a worker that runs enqueued jobs and reports them as events', async () => {
    const seen: unknown[] = [];
    const double = defineTask({
      name: 'double',
      handler: async (payload: { n: number }, ctx) => {
        seen.push(ctx.job.attempt);
        return payload.n * 2;
      },
    });
    const { docket } = setup([double]);
    await docket.setup();
    const completed: DocketEvents['completed'][] = [];
    docket.on('completed', (event) => completed.push(event));
    const worker = docket.work({ ...quiet, queues: ['default'] });
    expect(worker).toBeInstanceOf(Worker);
    const { id } = await docket.enqueue(double, { n: 21 });
    await vi.waitFor(async () => expect((await docket.getJob(id))!.state).toBe('completed'));
    expect((await docket.getJob(id))!.result).toBe(42);
    expect(seen).toEqual([1]);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ job: { id, task: 'double', payload: { n: 21 } }, result: 42 });
    await docket.close();
  });

  it('close() stops its workers before closing the store, releasing interrupted jobs', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineTask({
      name: 'slow',
      handler: (_payload: null, ctx) =>
        new Promise((_resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const clock = new ManualClock();
    /** Records what the job looked like when the Docket closed the store. */
    class RecordingStore extends MemoryStore {
      atClose: { state: string; activeWorkers: number } | undefined;
      override async close(): Promise<void> {
        const job = await this.getJob({ id, now: clock.now() });
        this.atClose = { state: job!.state, activeWorkers: worker.running };
        await super.close();
      }
    }
    const store = new RecordingStore({ clock });
    const docket = new Docket({ store, tasks: [slow], clock, logger: silentLogger });
    await docket.setup();
    const worker = docket.work(quiet);
    const { id } = await docket.enqueue(slow, null);
    await running;
    expect((await docket.getJob(id))!.state).toBe('active');
    await docket.close({ timeout: 20 });
    expect(store.atClose).toEqual({ state: 'ready', activeWorkers: 0 });
    expect(() => docket.work(quiet)).toThrow(StoreClosedError);
  });

  it('validates worker options synchronously', async () => {
    const { docket } = setup([]);
    expect(() => docket.work({ concurrency: 0 })).toThrow(InvalidOptionError);
    await docket.close();
  });

  it('fires a schedule through the worker with the stored payload and options', async () => {
    const ran: unknown[] = [];
    const ping = defineTask({ name: 'ping', handler: async (payload: { n: number }) => ran.push(payload) });
    const { docket, clock } = setup([ping]);
    await docket.setup();
    clock.set(Date.UTC(2030, 0, 1, 0, 0, 30));
    await docket.schedule('every-minute', { every: 60_000 }, ping, { n: 7 }, { priority: 4, queue: 'pings' });
    const worker = docket.work({ ...quiet, queues: ['other'] });
    clock.set(Date.UTC(2030, 0, 1, 0, 1, 0));
    await worker.scheduler.runOnce();
    const { jobs } = await docket.listJobs({ task: 'ping' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ queue: 'pings', priority: 4, payload: { n: 7 }, state: 'ready' });
    const schedule = await docket.getSchedule('every-minute');
    expect(schedule!.lastRunAt).toEqual(new Date(clock.now()));
    expect(schedule!.nextRunAt).toEqual(new Date(Date.UTC(2030, 0, 1, 0, 2, 0)));
    expect(ran).toEqual([]);
    await docket.close();
  });

  it('starts a worker made before setup once the store clock offset is measured', async () => {
    const echo = defineTask({ name: 'echo', handler: async (payload: string) => payload });
    const serverTime = vi.fn(async () => Date.now() + 1000);
    class SkewedStore extends MemoryStore {
      override serverTime = serverTime;
    }
    const docket = new Docket({ store: new SkewedStore(), tasks: [echo], logger: silentLogger });
    docket.work(quiet);
    const { id } = await docket.enqueue(echo, 'hi');
    await vi.waitFor(async () => expect((await docket.getJob(id))!.state).toBe('completed'));
    expect(serverTime).toHaveBeenCalledTimes(3);
    await docket.close();
  });

  it('reports a worker that cannot start as an error event', async () => {
    class DownStore extends MemoryStore {
      override async serverTime(): Promise<number> {
        throw new Error('unreachable');
      }
    }
    const docket = new Docket({ store: new DownStore(), tasks: [], logger: silentLogger });
    const errors: DocketEvents['error'][] = [];
    docket.on('error', (event) => errors.push(event));
    docket.work(quiet);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ context: 'worker start', error: { code: 'STORE_ERROR' } });
    await docket.close();
  });

  it('lets handlers finishing during close() still enqueue follow-up jobs', async () => {
    const clock = new ManualClock();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const followUp = defineTask({ name: 'follow-up', handler: async () => null });
    const parent = defineTask({
      name: 'parent',
      handler: (_payload: null, ctx) =>
        new Promise((resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => {
            ctx.enqueue(followUp, 'after shutdown').then(resolve, reject);
          });
        }),
    });
    class RecordingStore extends MemoryStore {
      tasksAtClose: string[] = [];
      override async close(): Promise<void> {
        const page = await this.listJobs({ now: clock.now(), limit: 10 });
        this.tasksAtClose = page.jobs.map((job) => `${job.task}:${job.state}`).sort();
        await super.close();
      }
    }
    const store = new RecordingStore({ clock });
    const docket = new Docket({ store, tasks: [parent, followUp], clock, logger: silentLogger });
    const errors: unknown[] = [];
    docket.on('error', (event) => errors.push(event));
    await docket.setup();
    docket.work(quiet);
    await docket.enqueue(parent, null);
    await running;
    await docket.close({ timeout: 1000 });
    expect(store.tasksAtClose).toEqual(['follow-up:ready', 'parent:completed']);
    expect(errors).toEqual([]);
  });
});
