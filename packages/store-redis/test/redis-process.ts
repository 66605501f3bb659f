import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** Whether nothing listens on 127.0.0.1:`port`. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** The first free port from `from` on. */
export async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 300; port++) if (await portFree(port)) return port;
  throw new Error(`No free port in ${from}-${from + 300}`);
}

/** Whether a Redis server answers PING on 127.0.0.1:`port`. */
export async function answers(port: number): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Starts the installed `redis-server` on 127.0.0.1:`port` with its files in
 * `dir` and waits until it answers. Kill it with the returned process (by id).
 */
export async function startRedisServer(
  port: number,
  dir: string,
  args: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args],
    {
      stdio: 'ignore',
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  await until(`redis-server on ${port}`, () => answers(port));
  return child;
}
