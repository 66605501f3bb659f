// The dashboard end to end: a real Docket on SQLite, the real handler on a
// port, Debian's Chromium driven by playwright-core. It signs in, watches
// counts move while a worker runs, opens a failed job, retries it from the
// page and sees it complete, then saves screenshots to test-artifacts/.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Docket, defineTask, PermanentError, silentLogger, type Worker } from '@docket/core';
import { SqliteStore } from '@docket/store-sqlite';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/index.js';

const CHROMIUM = process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the dashboard browser test.`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!! SKIPPING the dashboard browser test: ${message}\n`);
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(packageDir, 'test-artifacts');
const TOKEN = 'dashboard-test-token';
const REFRESH_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `accept` holds; fails with the last value seen. */
async function until<T>(
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

const cardValue = (page: Page, state: string) =>
  page
    .locator(`[data-total="${state}"] .card-value`)
    .textContent()
    .then((text) => Number((text ?? '').replace(/,/g, '')));

describe.runIf(hasChromium)('dashboard in Chromium', () => {
  let dir: string;
  let docket: Docket;
  let worker: Worker;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let producing = true;
  let producer: Promise<void> = Promise.resolve();
  const chargeCalls = new Map<string, number>();

  const sendEmail = defineTask({
    name: 'send-email',
    queue: 'emails',
    handler: async (payload: { to: string }) => {
      await sleep(20 + Math.random() * 60);
      return { messageId: `msg-${payload.to}` };
    },
  });
  const resizeImage = defineTask({
    name: 'resize-image',
    queue: 'images',
    handler: async (payload: { width: number }) => {
      await sleep(30 + Math.random() * 80);
      if (Math.random() < 0.15) throw new PermanentError('Unsupported image format: image/heic');
      return { width: payload.width };
    },
  });
  // Declined on its first attempt, accepted when retried from the page.
  const chargeCard = defineTask({
    name: 'charge-card',
    queue: 'billing',
    maxAttempts: 3,
    handler: async (payload: { order: string; amount: number }, ctx) => {
      const calls = (chargeCalls.get(ctx.job.id) ?? 0) + 1;
      chargeCalls.set(ctx.job.id, calls);
      if (calls === 1)
        throw new PermanentError(`Card declined for order ${payload.order}: insufficient funds`);
      return { charged: payload.amount, currency: 'EUR' };
    },
  });
  const syncInventory = defineTask({
    name: 'sync-inventory',
    queue: 'billing',
    maxAttempts: 5,
    backoff: { type: 'fixed', delay: 3_600_000 },
    handler: async () => {
      throw new Error('Upstream inventory service answered 503');
    },
  });
  const buildReport = defineTask({
    name: 'build-report',
    queue: 'reports',
    handler: async () => ({ rows: 0 }),
  });

  beforeAll(async () => {
    // The page under test is the current source, whatever turbo cached.
    execFileSync(process.execPath, [join(packageDir, 'dashboard', 'build.mjs')], { stdio: 'inherit' });
    await mkdir(artifacts, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'docket-dashboard-'));
    docket = new Docket({
      store: new SqliteStore({ path: join(dir, 'docket.db') }),
      tasks: [sendEmail, resizeImage, chargeCard, syncInventory, buildReport],
      logger: silentLogger,
    });
    await docket.setup();
    // Jobs that stay put, so every column of the overview has something.
    await docket.pauseQueue('reports');
    for (let i = 0; i < 7; i++) await docket.enqueue(buildReport, { month: i + 1 });
    for (let i = 0; i < 4; i++)
      await docket.enqueue(sendEmail, { to: `later${i}@example.com` }, { delay: 3_600_000 });
    await docket.enqueue(sendEmail, { to: 'held@example.com' }, { hold: true });
    await docket.enqueue(syncInventory, { sku: 'A-1' });
    const cancelled = await docket.enqueue(resizeImage, { width: 64 }, { delay: 3_600_000 });
    await docket.cancel(cancelled.id, 'superseded by a newer upload');
    await docket.schedule('nightly-report', { cron: '0 3 * * *', timezone: 'Europe/Paris' }, buildReport, {});
    await docket.schedule('email-digest', { every: 900_000 }, sendEmail, { to: 'digest@example.com' });
    await docket.pauseSchedule('email-digest');

    worker = docket.work({ queues: { emails: 2, images: 2, billing: 1, reports: 1 }, concurrency: 6 });
    server = createServer(createHandler(docket, { auth: { token: TOKEN }, countsCacheMs: 100 }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1360, height: 860 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    producing = false;
    await producer;
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await worker?.stop({ timeout: 5_000 });
    await docket?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('signs in, shows live counts, and retries a failed job to completion', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A payload full of markup must come out as text.
    const hostile = await docket.enqueue(sendEmail, { to: '<img src=x onerror="window.__pwned=1">' });

    await page.goto(`${base}/?refresh=${REFRESH_MS}`);
    await page.locator('input[name="token"]').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('rejected');
    await page.screenshot({ path: join(artifacts, 'dashboard-login.png') });
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.queues').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('docket.token')")).toBe(TOKEN);

    // Counts follow the worker: a batch of emails shows up as completed.
    const before = await until(
      'the first counts',
      () => cardValue(page, 'completed'),
      (n) => n >= 1,
    );
    for (let i = 0; i < 15; i++) await docket.enqueue(sendEmail, { to: `user${i}@example.com` });
    await until(
      '15 more completed jobs',
      () => cardValue(page, 'completed'),
      (n) => n >= before + 15,
    );
    const reportsReady = page.locator('tr[data-queue="reports"] td[data-state="ready"]');
    expect(await reportsReady.textContent()).toBe('7');
    expect(await page.locator('tr[data-queue="reports"] .badge-paused').count()).toBe(1);

    // A steady trickle of work, for the throughput chart.
    producer = (async () => {
      let n = 0;
      while (producing) {
        if (n % 3 === 0) await docket.enqueue(resizeImage, { width: 640 });
        else await docket.enqueue(sendEmail, { to: `bulk${n}@example.com` });
        n++;
        await sleep(40);
      }
    })();

    // The card charge fails permanently; open it from the failed count.
    const charge = await docket.enqueue(chargeCard, { order: 'ord_1042', amount: 129.9 });
    const failedLink = page.locator('tr[data-queue="billing"] td[data-state="failed"] a');
    await failedLink.waitFor({ timeout: 15_000 });
    await failedLink.click();
    await page.locator(`tr[data-job="${charge.id}"]`).waitFor();
    expect(await page.locator('select[name="state"]').inputValue()).toBe('failed');
    await page.locator(`tr[data-job="${charge.id}"] a`).click();
    await page.locator('.job-head').waitFor();
    expect(await page.locator('.job-head .badge').first().textContent()).toBe('failed');
    const firstError = page.locator('.tl-error[data-attempt="1"]');
    expect(await firstError.textContent()).toContain('Card declined for order ord_1042: insufficient funds');
    await firstError.locator('summary').click();
    expect(await firstError.locator('.stack pre').textContent()).toContain('PermanentError');

    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry job' }).click();
    await until(
      'the retried job to complete',
      () => page.locator('.job-head .badge').first().textContent(),
      (state) => state === 'completed',
    );
    expect(await page.locator('.json').nth(1).textContent()).toContain('"charged": 129.9');
    expect((await docket.getJob(charge.id))?.state).toBe('completed');
    await page.screenshot({ path: join(artifacts, 'dashboard-job.png'), fullPage: true });

    // Payload markup is text, not HTML.
    await page.goto(`${base}/?refresh=${REFRESH_MS}#/jobs/${hostile.id}`);
    // A hash-only navigation keeps the previous job's page until the new one renders: wait for this job's payload.
    await expect.poll(() => page.locator('.json').first().textContent()).toContain('<img src=x onerror=');
    expect(await page.locator('.content img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    // Schedules list their rules and next runs.
    await page.goto(`${base}/?refresh=${REFRESH_MS}#/schedules`);
    await page.locator('tr[data-schedule="nightly-report"]').waitFor();
    expect(await page.locator('tr[data-schedule="nightly-report"]').textContent()).toContain(
      '0 3 * * * (Europe/Paris)',
    );
    expect(await page.locator('tr[data-schedule="email-digest"] .badge-paused').count()).toBe(1);
    await page.screenshot({ path: join(artifacts, 'dashboard-schedules.png') });
    // The overview with some throughput history, for the README.
    await page.goto(`${base}/?refresh=${REFRESH_MS}#/`);
    await page.locator('table.queues').waitFor();
    // The chart spans 60 samples; wait until most of it is drawn.
    await until(
      'a throughput history',
      () => page.locator('.chart').getAttribute('data-points').then(Number),
      (n) => n >= 50,
      30_000,
    );
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    await page.goto(`${base}/?refresh=${REFRESH_MS}#/jobs?queue=emails&state=completed&order=asc`);
    await page.locator('table.jobs').waitFor();
    await page.screenshot({ path: join(artifacts, 'dashboard-jobs.png') });

    // Cursor paging: oldest first, so the first pages do not move under the test.
    const firstId = () => page.locator('table.jobs tbody tr').first().getAttribute('data-job');
    const pageOne = await firstId();
    expect(await page.locator('table.jobs tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Next →' }).click();
    const pageTwo = await until('page 2', firstId, (id) => id !== pageOne);
    expect(await page.locator('.pager').textContent()).toContain('Page 2');
    const expected = await docket.listJobs({ queue: 'emails', state: 'completed', order: 'asc', limit: 51 });
    expect(pageTwo).toBe(expected.jobs[50]?.id);
    await page.getByRole('button', { name: '← Previous' }).click();
    await until('page 1 again', firstId, (id) => id === pageOne);

    expect(pageErrors).toEqual([]);
  }, 120_000);

  /** A new tab of the dashboard at `hash`, signed in. */
  async function signedInTab(hash: string, origin = base): Promise<Page> {
    const tab = await context.newPage();
    await tab.goto(`${origin}/?refresh=${REFRESH_MS}${hash}`);
    await tab.locator('input[name="token"]').fill(TOKEN);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.locator('main.content').waitFor();
    return tab;
  }

  /** Clicks an action button, then the dialog's confirmation. */
  async function confirmAction(tab: Page, button: string, confirm = `${button} job`) {
    await tab.getByRole('button', { name: button, exact: true }).click();
    await tab.getByRole('dialog').getByRole('button', { name: confirm, exact: true }).click();
  }

  const headState = (tab: Page) => tab.locator('.job-head .badge').first().textContent();

  it('releases, cancels and deletes jobs, and pauses queues and schedules', async () => {
    const held = await docket.enqueue(sendEmail, { to: 'release-me@example.com' }, { hold: true });
    const later = await docket.enqueue(sendEmail, { to: 'cancel-me@example.com' }, { delay: 3_600_000 });
    await docket.schedule('hourly-sync', { every: 3_600_000 }, syncInventory, { sku: 'B-2' });
    const tab = await signedInTab(`#/jobs/${held.id}`);
    try {
      await tab.locator('.badge-held').first().waitFor();
      await confirmAction(tab, 'Release');
      await until(
        'the released job to complete',
        () => headState(tab),
        (state) => state === 'completed',
      );

      await tab.goto(`${base}/?refresh=${REFRESH_MS}#/jobs/${later.id}`);
      expect(
        await until(
          'the job',
          () => headState(tab),
          (state) => state === 'scheduled',
        ),
      ).toBe('scheduled');
      await confirmAction(tab, 'Cancel');
      await until(
        'the cancelled state',
        () => headState(tab),
        (state) => state === 'cancelled',
      );
      expect(await tab.locator('.fields').textContent()).toContain('cancelled from the dashboard');
      await confirmAction(tab, 'Delete');
      await until(
        'the jobs list',
        async () => tab.url(),
        (url) => url.includes('#/jobs?queue=emails'),
      );
      expect(await docket.getJob(later.id)).toBeNull();

      await tab.goto(`${base}/?refresh=${REFRESH_MS}#/`);
      const images = tab.locator('tr[data-queue="images"]');
      await images.getByRole('button', { name: 'Pause' }).click();
      await tab.getByRole('dialog').getByRole('button', { name: 'Pause queue' }).click();
      await images.locator('.badge-paused').waitFor();
      expect((await docket.listQueues()).find((queue) => queue.name === 'images')?.paused).toBe(true);
      await images.getByRole('button', { name: 'Resume' }).click();
      await tab.getByRole('dialog').getByRole('button', { name: 'Resume queue' }).click();
      await until(
        'images to resume',
        () => images.locator('.badge-paused').count(),
        (n) => n === 0,
      );

      await tab.goto(`${base}/?refresh=${REFRESH_MS}#/schedules`);
      const row = tab.locator('tr[data-schedule="hourly-sync"]');
      expect(await row.locator('td').nth(1).textContent()).toBe('every 1 h');
      await row.getByRole('button', { name: 'Pause' }).click();
      await tab.getByRole('dialog').getByRole('button', { name: 'Pause schedule' }).click();
      await row.locator('.badge-paused').waitFor();
      expect((await docket.getSchedule('hourly-sync'))?.paused).toBe(true);
      await row.getByRole('button', { name: 'Remove' }).click();
      await tab.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      expect(await row.count()).toBe(1);
      await row.getByRole('button', { name: 'Remove' }).click();
      await tab.getByRole('dialog').getByRole('button', { name: 'Remove schedule' }).click();
      await until(
        'the schedule to go',
        () => row.count(),
        (n) => n === 0,
      );
      expect(await docket.getSchedule('hourly-sync')).toBeNull();
    } finally {
      await tab.close();
    }
  }, 60_000);

  it('polls only while the tab is visible', async () => {
    const tab = await context.newPage();
    await tab.goto(`${base}/?refresh=${REFRESH_MS}#/`);
    await tab.locator('input[name="token"]').fill(TOKEN);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.locator('table.queues').waitFor();
    let apiCalls = 0;
    const onRequest = (request: { url(): string }) => {
      if (request.url().includes('/api/')) apiCalls++;
    };
    tab.on('request', onRequest);
    try {
      await sleep(REFRESH_MS * 4);
      expect(apiCalls).toBeGreaterThanOrEqual(2);
      const setHidden = (hidden: boolean) =>
        tab.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });
          document.dispatchEvent(new Event('visibilitychange'));`);
      await setHidden(true);
      await sleep(REFRESH_MS * 2); // a request already in flight may finish
      apiCalls = 0;
      await sleep(REFRESH_MS * 5);
      expect(apiCalls).toBe(0);
      await setHidden(false);
      await until(
        'polling to resume',
        async () => apiCalls,
        (n) => n >= 2,
        5_000,
      );
    } finally {
      await tab.close();
    }
  }, 30_000);

  it('hides every action on a read-only server', async () => {
    const readOnlyServer = createServer(
      createHandler(docket, { auth: { token: TOKEN }, readOnly: true, countsCacheMs: 100 }),
    );
    await new Promise<void>((resolve) => readOnlyServer.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(readOnlyServer.address() as AddressInfo).port}`;
    const failed = await docket.enqueue(chargeCard, { order: 'ord_2001', amount: 10 });
    await until(
      'the charge to fail',
      async () => (await docket.getJob(failed.id))?.state,
      (s) => s === 'failed',
    );
    const tab = await signedInTab('#/', origin);
    try {
      await tab.locator('table.queues').waitFor();
      expect(await tab.locator('.topbar .badge-readonly').count()).toBe(1);
      expect(await tab.locator('table.queues button').count()).toBe(0);
      await tab.goto(`${origin}/?refresh=${REFRESH_MS}#/jobs/${failed.id}`);
      await tab.locator('.job-head').waitFor();
      expect(await headState(tab)).toBe('failed');
      expect(await tab.locator('.job-head button').count()).toBe(0);
      await tab.goto(`${origin}/?refresh=${REFRESH_MS}#/schedules`);
      await tab.locator('table.schedules').waitFor();
      expect(await tab.locator('table.schedules button').count()).toBe(0);
    } finally {
      await tab.close();
      await new Promise<void>((resolve) => readOnlyServer.close(() => resolve()));
    }
  }, 60_000);
});
