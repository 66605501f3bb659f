import { Docket, InvalidOptionError, silentLogger } from '@docket/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, createHandler, HttpApiError, OPENAPI_DOCUMENT } from '../src/index.js';
import { ROUTES } from '../src/routes.js';
import { type App, listen, sendEmail, startApp, TOKEN } from './server.js';
import { sqliteStore } from './stores.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('createHandler options', () => {
  it('requires auth explicitly: no default', async () => {
    const fixture = await sqliteStore();
    const docket = new Docket({ store: fixture.store, logger: silentLogger });
    try {
      expect(() => createHandler(docket, {} as never)).toThrow(InvalidOptionError);
      expect(() => createHandler(docket, undefined as never)).toThrow(/auth/);
      expect(() => createHandler(docket, { auth: { token: '' } })).toThrow(InvalidOptionError);
      expect(() => createHandler(docket, { auth: { none: false } } as never)).toThrow(InvalidOptionError);
      expect(() => createHandler(docket, { auth: { none: true }, basePath: 'docket/' })).toThrow(/basePath/);
      expect(() => createHandler(docket, { auth: { none: true }, colour: 1 } as never)).toThrow(
        /unknown option/,
      );
      expect(() => createHandler(docket, { auth: { none: true }, countsCacheMs: -1 })).toThrow(
        /countsCacheMs/,
      );
      expect(typeof createHandler(docket, { auth: { none: true } })).toBe('function');
    } finally {
      await docket.close();
      await fixture.destroy();
    }
  });
});

describe('auth off', () => {
  it('serves every route without a token when auth is { none: true }', async () => {
    app = await startApp(sqliteStore, { auth: { none: true } });
    const response = await fetch(`${app.http.url}/api/overview`);
    expect(response.status).toBe(200);
    const created = await app.client.enqueue({ task: 'send-email', payload: { to: 'a@x' } });
    expect((await app.client.getJob(created.id)).state).toBe('ready');
    await app.client.removeJob(created.id);
    expect(await app.docket.getJob(created.id)).toBeNull();
  });
});

describe('read-only mode', () => {
  it('refuses every mutating route with 403 and serves the reads', async () => {
    app = await startApp(sqliteStore, { readOnly: true });
    const { id } = await app.docket.enqueue(sendEmail, { to: 'a@x' });
    await app.docket.schedule('tick', { every: 60_000 }, sendEmail, { to: 't@x' });
    const mutations: Array<[string, string, RequestInit?]> = [
      ['POST', '/api/jobs', json({ task: 'send-email', payload: {} })],
      ['POST', `/api/jobs/${id}/cancel`],
      ['POST', `/api/jobs/${id}/retry`],
      ['POST', `/api/jobs/${id}/release`],
      ['DELETE', `/api/jobs/${id}`],
      ['POST', '/api/queues/emails/pause'],
      ['POST', '/api/queues/emails/resume'],
      ['POST', '/api/schedules/tick/pause'],
      ['POST', '/api/schedules/tick/resume'],
      ['DELETE', '/api/schedules/tick'],
    ];
    expect(mutations).toHaveLength(ROUTES.filter((r) => r.mutating).length);
    for (const [method, path, init] of mutations) {
      const response = await app.request(path, { ...init, method });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect((await app.docket.getJob(id))?.state).toBe('ready');
    expect((await app.docket.listJobs()).jobs).toHaveLength(1);
    expect((await app.docket.getSchedule('tick'))?.paused).toBe(false);
    expect((await app.client.getJob(id)).id).toBe(id);
    expect((await app.client.overview()).readOnly).toBe(true);
    expect((await app.client.listSchedules()).map((s) => s.name)).toEqual(['tick']);
    // Auth still comes first.
    expect((await fetch(`${app.http.url}/api/jobs/${id}`, { method: 'DELETE' })).status).toBe(401);
  });
});

describe('protocol errors', () => {
  it('404 for an unknown API route, 405 with Allow for a wrong method', async () => {
    app = await startApp(sqliteStore);
    const unknown = await app.request('/api/nope');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const wrong = await app.request('/api/overview', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    const put = await app.request('/api/jobs/abc', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE');
    const badEncoding = await app.request('/api/jobs/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
  });

  it('413 for a body over maxBodyBytes (nothing written); 400 PAYLOAD_TOO_LARGE for a payload over the docket limit', async () => {
    app = await startApp(sqliteStore, { maxBodyBytes: 1000 }, { maxPayloadBytes: 200 });
    const big = await app.request(
      '/api/jobs',
      json({ task: 'send-email', payload: { to: 'x'.repeat(5000) } }),
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const huge = await app.request(
      '/api/jobs',
      json({ task: 'send-email', payload: { to: 'x'.repeat(100_000) } }),
    );
    expect(huge.status).toBe(413);
    const overDocket = await app.request(
      '/api/jobs',
      json({ task: 'send-email', payload: { to: 'x'.repeat(500) } }),
    );
    expect(overDocket.status).toBe(400);
    expect(((await overDocket.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await app.docket.listJobs()).jobs).toEqual([]);
    // The server still answers after refusing a large body.
    expect((await app.request('/api/overview')).status).toBe(200);
  });

  it('survives a client that goes away mid-body', async () => {
    app = await startApp(sqliteStore);
    const { connect } = await import('node:net');
    const { port } = new URL(app.http.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /api/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"task":`,
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await app.request('/api/overview')).status).toBe(200);
    expect((await app.docket.listJobs()).jobs).toEqual([]);
  });

  it('500 without internals when the store fails', async () => {
    app = await startApp(sqliteStore);
    await app.docket.store.close();
    const response = await app.request('/api/jobs');
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STORE_CLOSED');
    expect(body.error.message).not.toMatch(/at |\.ts|sqlite/i);
  });

  it('sets the security headers and JSON content type on API answers', async () => {
    app = await startApp(sqliteStore);
    const response = await app.request('/api/overview');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('set-cookie')).toBeNull();
    const { id } = await app.client.enqueue({
      task: 'send-email',
      payload: { to: '<script>alert(1)</script>' },
    });
    const job = await app.request(`/api/jobs/${id}`);
    expect(job.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await job.json()) as { payload: { to: string } }).payload.to).toBe('<script>alert(1)</script>');
  });
});

describe('counts cache', () => {
  it('serves cached counts for countsCacheMs; pausing a queue invalidates', async () => {
    app = await startApp(sqliteStore, { countsCacheMs: 60_000 });
    await app.docket.enqueue(sendEmail, { to: 'a@x' });
    const first = await app.client.overview();
    expect(first.totals.ready).toBe(1);
    expect(first.readOnly).toBe(false);
    await app.docket.enqueue(sendEmail, { to: 'b@x' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cached = await app.client.overview();
    expect(cached.totals.ready).toBe(1);
    expect(cached.countedAt).toBe(first.countedAt);
    expect(Date.parse(cached.time)).toBeGreaterThan(Date.parse(cached.countedAt));
    await app.client.pauseQueue('emails');
    const after = await app.client.overview();
    expect(after.totals.ready).toBe(2);
    expect(after.queues[0]?.paused).toBe(true);
  });
});

describe('OpenAPI document', () => {
  it('lists exactly the routes of the router', () => {
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(documented.sort()).toEqual(routed.sort());
    const operationIds = Object.values(OPENAPI_DOCUMENT.paths).flatMap((item) =>
      Object.values(item).map((op) => (op as { operationId: string }).operationId),
    );
    expect(operationIds.sort()).toEqual(ROUTES.map((route) => route.operationId).sort());
    expect(OPENAPI_DOCUMENT.openapi).toBe('3.1.0');
  });

  it('declares every path parameter of every operation, and documents auth errors everywhere', () => {
    for (const [path, item] of Object.entries(OPENAPI_DOCUMENT.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const op = operation as {
          parameters?: Array<{ name: string; in: string }>;
          responses: Record<string, unknown>;
        };
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared, `${method} ${path}`).toEqual(names);
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
        const route = ROUTES.find((r) => r.path === path && r.method === method.toUpperCase())!;
        if (route.mutating) expect(Object.keys(op.responses), `${method} ${path}`).toContain('403');
      }
    }
  });

  it('is served at /api/openapi.json and every $ref resolves', async () => {
    app = await startApp(sqliteStore);
    const document = (await app.client.openApiDocument()) as typeof OPENAPI_DOCUMENT;
    expect(document.paths['/api/jobs/{id}/retry']).toBeDefined();
    const refs = JSON.stringify(document).match(/"#\/components\/schemas\/(\w+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const name = ref.slice('"#/components/schemas/'.length, -1);
      expect(document.components.schemas, name).toHaveProperty(name);
    }
  });
});

describe('mounting and the dashboard', () => {
  const assets = async () =>
    new Map([
      ['/index.html', { type: 'text/html; charset=utf-8', body: '<!doctype html><title>dash</title>' }],
      ['/app.js', { type: 'text/javascript; charset=utf-8', body: 'console.log(1)' }],
    ]);

  it('serves the dashboard files at / with a strict CSP, index.html for client routes, 404 for missing files', async () => {
    app = await startApp(sqliteStore, { dashboardAssets: assets });
    const index = await fetch(`${app.http.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>dash</title>');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${app.http.url}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await fetch(`${app.http.url}/jobs/123`)).text()).toContain('<title>dash</title>');
    expect((await fetch(`${app.http.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.http.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('serves a "not built" page when there is no build, and nothing with dashboard: false', async () => {
    app = await startApp(sqliteStore, { dashboardAssets: async () => new Map() });
    const page = await fetch(`${app.http.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('not built');
    await app.close();
    app = await startApp(sqliteStore, { dashboard: false });
    expect((await fetch(`${app.http.url}/`)).status).toBe(404);
    expect((await app.request('/api/overview')).status).toBe(200);
  });

  it('serves under basePath, redirects the bare base path, 404s or calls next() outside it', async () => {
    app = await startApp(sqliteStore, { basePath: '/ops/docket', dashboardAssets: assets });
    expect((await app.client.overview()).queues).toEqual([]);
    const bare = await fetch(`${app.http.url}/ops/docket`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/ops/docket/');
    expect(await (await fetch(`${app.http.url}/ops/docket/`)).text()).toContain('dash');
    expect((await app.request('/api/overview')).status).toBe(404);

    const docket = app.docket;
    const handler = createHandler(docket, { auth: { token: TOKEN }, basePath: '/docket' });
    const outer = await listen((req, res) =>
      handler(req, res, () => {
        res.statusCode = 418;
        res.end('next');
      }),
    );
    try {
      const passed = await fetch(`${outer.url}/elsewhere`);
      expect([passed.status, await passed.text()]).toEqual([418, 'next']);
      const served = await fetch(`${outer.url}/docket/api/queues`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(served.status).toBe(200);
    } finally {
      await outer.close();
    }
  });
});

describe('typed client', () => {
  it('uses the fetch it is given and refuses a base URL that is not http(s)', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url} ${(init.headers as Record<string, string>).Authorization}`);
      return new Response(JSON.stringify({ schedules: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    const client = createClient({ baseUrl: 'http://example.test/ops/', token: 't0k', fetch: fakeFetch });
    expect(await client.listSchedules()).toEqual([]);
    await client.listJobs({ state: 'failed', limit: 5, queue: undefined });
    expect(calls).toEqual([
      'GET http://example.test/ops/api/schedules Bearer t0k',
      'GET http://example.test/ops/api/jobs?state=failed&limit=5 Bearer t0k',
    ]);
    expect(() => createClient({ baseUrl: 'example.test' })).toThrow(TypeError);
  });

  it('throws HttpApiError with status, code and message', async () => {
    app = await startApp(sqliteStore);
    const error = await app.client.getJob('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    expect((error as Error).message).toContain('ghost');
  });
});
