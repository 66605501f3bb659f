import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Docket, Docket as DocketClass, defineTask, PermanentError, silentLogger } from '@docket/core';
import { createClient, createHandler, type DocketClient, type HandlerOptions } from '../src/index.js';
import type { StoreFactory, StoreFixture } from './stores.js';

export const TOKEN = 'test-token-0123456789';

/** Tasks every test app registers. */
export const sendEmail = defineTask({
  name: 'send-email',
  queue: 'emails',
  handler: async (payload: { to: string }) => ({ sent: payload.to }),
});
export const boom = defineTask({
  name: 'boom',
  maxAttempts: 1,
  handler: async () => {
    throw new PermanentError('kaboom');
  },
});

/** A running HTTP server over a real `http.createServer` on port 0. */
export interface TestServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(handler: Parameters<typeof createServer>[1]): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A docket on a fresh store, served by `createHandler`, with a typed client. */
export interface App {
  docket: Docket;
  http: TestServer;
  client: DocketClient;
  /** `fetch` on the server with the token. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startApp(
  factory: StoreFactory,
  options: Partial<HandlerOptions> = {},
  docketOptions: { maxPayloadBytes?: number } = {},
): Promise<App> {
  const fixture: StoreFixture = await factory();
  const docket = new DocketClass({
    store: fixture.store,
    tasks: [sendEmail, boom],
    logger: silentLogger,
    ...docketOptions,
  });
  await docket.setup();
  const http = await listen(createHandler(docket, { auth: { token: TOKEN }, countsCacheMs: 0, ...options }));
  const token = 'auth' in options && options.auth && 'none' in options.auth ? undefined : TOKEN;
  return {
    docket,
    http,
    client: createClient({ baseUrl: `${http.url}${options.basePath ?? ''}`, token }),
    request: (path, init = {}) =>
      fetch(`${http.url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) },
      }),
    close: async () => {
      await http.close();
      await docket.close({ timeout: 1000 });
      await fixture.destroy();
    },
  };
}

/** Runs a worker until the job reaches `state`, then stops it. */
export async function runUntil(docket: Docket, id: string, states: string[]): Promise<void> {
  const worker = docket.work({ concurrency: 2, pollIntervalMs: 20 });
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const job = await docket.getJob(id);
      if (job && states.includes(job.state)) return;
      if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await worker.stop({ timeout: 2000 });
  }
}
