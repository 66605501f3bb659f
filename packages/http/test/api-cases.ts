import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpApiError } from '../src/index.js';
import { type App, boom, runUntil, sendEmail, startApp, TOKEN } from './server.js';
import type { StoreFactory } from './stores.js';

async function apiError(promise: Promise<unknown>): Promise<HttpApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpApiError);
  return error as HttpApiError;
}

/** Every route of the API against one store, through the typed client and raw fetch. */
export function describeApi(name: string, factory: StoreFactory): void {
  describe(`@docket/http on ${name}`, () => {
    let app: App;
    beforeEach(async () => {
      app = await startApp(factory);
    });
    afterEach(async () => {
      await app.close();
    });

    it('overview and queues report counts per queue and state, and the totals', async () => {
      const empty = await app.client.overview();
      expect(empty.queues).toEqual([]);
      expect(empty.totals.ready).toBe(0);
      await app.docket.enqueue(sendEmail, { to: 'a@x' });
      await app.docket.enqueue(sendEmail, { to: 'b@x' }, { delay: 60_000 });
      await app.docket.enqueue(boom, null, { hold: true });
      const overview = await app.client.overview();
      expect(Number.isNaN(Date.parse(overview.time))).toBe(false);
      expect(overview.queues.map((q) => q.name)).toEqual(['default', 'emails']);
      const emails = overview.queues.find((q) => q.name === 'emails')!;
      expect(emails).toMatchObject({ paused: false, counts: { ready: 1, scheduled: 1, failed: 0 } });
      expect(overview.totals).toMatchObject({ ready: 1, scheduled: 1, waiting: 1, active: 0 });
      const queues = await app.client.listQueues();
      expect(queues).toEqual(overview.queues);
    });

    it('pauses and resumes a queue', async () => {
      await app.docket.enqueue(sendEmail, { to: 'a@x' });
      expect(await app.client.pauseQueue('emails')).toEqual({ name: 'emails', paused: true });
      expect((await app.docket.listQueues()).find((q) => q.name === 'emails')?.paused).toBe(true);
      expect((await app.client.listQueues()).find((q) => q.name === 'emails')?.paused).toBe(true);
      expect(await app.client.resumeQueue('emails')).toEqual({ name: 'emails', paused: false });
      expect((await app.docket.listQueues()).find((q) => q.name === 'emails')?.paused).toBe(false);
      const bad = await apiError(app.client.pauseQueue('bad queue!'));
      expect([bad.status, bad.code]).toEqual([400, 'INVALID_NAME']);
    });

    it('lists jobs with filters and follows cursors to the end', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await app.docket.enqueue(sendEmail, { to: `${i}@x` })).id);
      const held = (await app.docket.enqueue(boom, null, { hold: true })).id;
      const all = await app.client.listJobs();
      expect(all.jobs.map((j) => j.id)).toEqual([held, ...ids.reverse()]);
      expect(all.nextCursor).toBeNull();
      expect((await app.client.listJobs({ state: 'waiting' })).jobs.map((j) => j.id)).toEqual([held]);
      expect((await app.client.listJobs({ queue: 'default' })).jobs.map((j) => j.id)).toEqual([held]);
      expect((await app.client.listJobs({ task: 'send-email' })).jobs).toHaveLength(5);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await app.client.listJobs({ task: 'send-email', order: 'asc', limit: 2, cursor });
        seen.push(...page.jobs.map((j) => j.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expect(pages).toBe(3);
    });

    it('refuses bad list queries with 400', async () => {
      for (const query of [
        'limit=0',
        'limit=201',
        'limit=abc',
        'state=nope',
        'order=up',
        'colour=red',
        'queue=a&queue=b',
        'queue=%20bad',
      ]) {
        const response = await app.request(`/api/jobs?${query}`);
        expect(response.status, query).toBe(400);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.message.length, query).toBeGreaterThan(5);
      }
    });

    it('gets one job as JSON with ISO times, 404 for an unknown id, 400 for a bad id', async () => {
      const { id } = await app.docket.enqueue(sendEmail, { to: 'a@x' }, { priority: 3 });
      const job = await app.client.getJob(id);
      expect(job).toMatchObject({
        id,
        task: 'send-email',
        queue: 'emails',
        state: 'ready',
        payload: { to: 'a@x' },
      });
      expect(job).toMatchObject({
        result: null,
        priority: 3,
        attempts: 0,
        maxAttempts: 3,
        errors: [],
        held: false,
      });
      expect(job.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      expect(job.startedAt).toBeNull();
      const missing = await apiError(app.client.getJob('no-such-job'));
      expect([missing.status, missing.code]).toEqual([404, 'JOB_NOT_FOUND']);
      const bad = await apiError(app.client.getJob('bad id!'));
      expect([bad.status, bad.code]).toEqual([400, 'INVALID_NAME']);
    });

    it('enqueues through the API, with options, duplicates and ISO run times', async () => {
      const created = await app.client.enqueue({ task: 'send-email', payload: { to: 'z@x' } });
      expect(created).toMatchObject({ duplicate: false, state: 'ready' });
      expect((await app.docket.getJob(created.id))?.payload).toEqual({ to: 'z@x' });
      const runAt = new Date(Date.now() + 3_600_000).toISOString();
      const later = await app.client.enqueue({
        task: 'send-email',
        payload: { to: 'y@x' },
        options: { runAt, priority: 5, queue: 'bulk', id: 'fixed-1' },
      });
      expect(later).toEqual({ id: 'fixed-1', duplicate: false, state: 'scheduled' });
      const stored = await app.docket.getJob('fixed-1');
      expect(stored?.runAt.toISOString()).toBe(runAt);
      expect([stored?.priority, stored?.queue]).toEqual([5, 'bulk']);
      const again = await app.client.enqueue({
        task: 'send-email',
        payload: { to: 'y@x' },
        options: { id: 'fixed-1' },
      });
      expect(again).toEqual({ id: 'fixed-1', duplicate: true, state: 'scheduled' });
      const held = await app.client.enqueue({ task: 'boom', options: { hold: true } });
      expect(held.state).toBe('waiting');
      const response = await app.request('/api/jobs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ task: 'send-email', payload: 1 }),
      });
      expect(response.status).toBe(201);
    });

    it('refuses bad enqueue input with 400 and writes nothing', async () => {
      const cases: Array<[unknown, string]> = [
        [{ task: 'nope', payload: {} }, 'UNKNOWN_TASK'],
        [{ task: 'send-email', payload: {}, options: { delay: -5 } }, 'INVALID_OPTION'],
        [{ task: 'send-email', payload: {}, options: { tx: {} } }, 'BAD_REQUEST'],
        [{ task: 'send-email', payload: {}, options: { runAt: 'tomorrow' } }, 'BAD_REQUEST'],
        [{ task: 'send-email', payload: {}, options: { queue: 'bad queue' } }, 'INVALID_NAME'],
        [{ task: 'send-email', payload: {}, extra: 1 }, 'BAD_REQUEST'],
        [{ payload: {} }, 'BAD_REQUEST'],
        [[1, 2], 'BAD_REQUEST'],
      ];
      for (const [body, code] of cases) {
        const error = await apiError(app.client.enqueue(body as never));
        expect([error.status, error.code], JSON.stringify(body)).toEqual([400, code]);
      }
      const missingDep = await apiError(
        app.client.enqueue({ task: 'send-email', payload: {}, options: { dependsOn: ['ghost'] } }),
      );
      expect([missingDep.status, missingDep.code]).toEqual([404, 'JOB_NOT_FOUND']);
      const malformed = await app.request('/api/jobs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"task": ',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
      const form = await app.request('/api/jobs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'task=send-email',
      });
      expect(form.status).toBe(400);
      expect((await app.docket.listJobs()).jobs).toEqual([]);
    });

    it('cancels, retries, releases and removes jobs; 409 for a state that forbids it', async () => {
      const { id } = await app.docket.enqueue(sendEmail, { to: 'a@x' });
      const cancelled = await app.client.cancelJob(id, 'not needed');
      expect(cancelled).toMatchObject({ id, state: 'cancelled', cancelReason: 'not needed' });
      const twice = await apiError(app.client.cancelJob(id));
      expect([twice.status, twice.code]).toEqual([409, 'INVALID_STATE']);
      expect((await app.client.retryJob(id)).state).toBe('ready');
      const notFailed = await apiError(app.client.retryJob(id));
      expect([notFailed.status, notFailed.code]).toEqual([409, 'INVALID_STATE']);
      const defaultReason = await app.client.cancelJob(id);
      expect(defaultReason.cancelReason).toBe('cancelled by operator');

      const held = (await app.docket.enqueue(sendEmail, { to: 'h@x' }, { hold: true })).id;
      expect((await app.client.releaseJob(held)).state).toBe('ready');
      const notHeld = await apiError(app.client.releaseJob(held));
      expect([notHeld.status, notHeld.code]).toEqual([409, 'INVALID_STATE']);

      await app.client.removeJob(held);
      expect(await app.docket.getJob(held)).toBeNull();
      for (const action of [
        () => app.client.removeJob(held),
        () => app.client.retryJob('ghost'),
        () => app.client.cancelJob('ghost'),
        () => app.client.releaseJob('ghost'),
      ]) {
        const error = await apiError(action());
        expect([error.status, error.code]).toEqual([404, 'JOB_NOT_FOUND']);
      }
      const badReason = await app.request(`/api/jobs/${id}/retry`, { method: 'POST' });
      expect(badReason.status).toBe(200);
      const wrongBody = await app.request(`/api/jobs/${id}/cancel`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 42 }),
      });
      expect(wrongBody.status).toBe(400);
    });

    it('shows a failed job with the error of its attempt, and retries it', async () => {
      const { id } = await app.docket.enqueue(boom, { n: 1 });
      await runUntil(app.docket, id, ['failed']);
      const failed = await app.client.getJob(id);
      expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.errors).toHaveLength(1);
      expect(failed.errors[0]).toMatchObject({ attempt: 1, message: 'kaboom' });
      expect(Number.isNaN(Date.parse(failed.errors[0]!.at))).toBe(false);
      expect(failed.finishedAt).not.toBeNull();
      expect((await app.client.overview()).totals.failed).toBe(1);
      expect((await app.client.listJobs({ state: 'failed' })).jobs.map((j) => j.id)).toEqual([id]);
      const retried = await app.client.retryJob(id);
      expect(retried.state).toBe('ready');
      expect(retried.errors).toHaveLength(1);
    });

    it('lists, pauses, resumes and removes schedules', async () => {
      await app.docket.schedule('nightly', { cron: '0 3 * * *', timezone: 'Europe/Paris' }, sendEmail, {
        to: 'n@x',
      });
      const [schedule] = await app.client.listSchedules();
      expect(schedule).toMatchObject({
        name: 'nightly',
        rule: { cron: '0 3 * * *', timezone: 'Europe/Paris' },
        task: 'send-email',
        queue: 'emails',
        payload: { to: 'n@x' },
        paused: false,
        lastRunAt: null,
      });
      expect(Date.parse(schedule!.nextRunAt)).toBeGreaterThan(Date.now() - 60_000);
      expect((await app.client.pauseSchedule('nightly')).paused).toBe(true);
      expect((await app.docket.getSchedule('nightly'))?.paused).toBe(true);
      expect((await app.client.resumeSchedule('nightly')).paused).toBe(false);
      await app.client.removeSchedule('nightly');
      expect(await app.client.listSchedules()).toEqual([]);
      for (const action of [
        () => app.client.removeSchedule('nightly'),
        () => app.client.pauseSchedule('nightly'),
        () => app.client.resumeSchedule('nightly'),
      ]) {
        const error = await apiError(action());
        expect([error.status, error.code]).toEqual([404, 'SCHEDULE_NOT_FOUND']);
      }
      const bad = await apiError(app.client.pauseSchedule('bad name!'));
      expect(bad.status).toBe(400);
    });

    it('requires the bearer token on every API route', async () => {
      const paths = [
        '/api/overview',
        '/api/queues',
        '/api/jobs',
        '/api/schedules',
        '/api/openapi.json',
        '/api/jobs/x',
      ];
      for (const path of paths) {
        const none = await fetch(`${app.http.url}${path}`);
        expect(none.status, path).toBe(401);
        expect(none.headers.get('www-authenticate')).toContain('Bearer');
        expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
        const wrong = await fetch(`${app.http.url}${path}`, {
          headers: { Authorization: `Bearer ${TOKEN}x` },
        });
        expect(wrong.status, path).toBe(401);
        const basic = await fetch(`${app.http.url}${path}`, { headers: { Authorization: `Basic ${TOKEN}` } });
        expect(basic.status, path).toBe(401);
      }
      const mutation = await fetch(`${app.http.url}/api/jobs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ task: 'send-email', payload: {} }),
      });
      expect(mutation.status).toBe(401);
      expect((await app.docket.listJobs()).jobs).toEqual([]);
    });
  });
}
