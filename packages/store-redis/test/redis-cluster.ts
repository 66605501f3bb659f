import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { answers, portFree, until } from './redis-process.js';

const run = promisify(execFile);

/** Three consecutive ports whose cluster bus ports (+10000) are free too. */
async function freePorts(): Promise<number[]> {
  for (let base = 7101; base < 7400; base += 3) {
    const ports = [base, base + 1, base + 2];
    const all = [...ports, ...ports.map((p) => p + 10_000)];
    if ((await Promise.all(all.map(portFree))).every(Boolean)) return ports;
  }
  throw new Error('No free ports for a test Redis Cluster in 7101-7400');
}

export interface TestCluster {
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/**
 * Starts a three-master Redis Cluster from the installed `redis-server` on free
 * local ports, in a temp dir, without persistence. `stop()` kills exactly
 * these processes and removes the dir.
 */
export async function startCluster(): Promise<TestCluster> {
  const ports = await freePorts();
  const dir = mkdtempSync(join(tmpdir(), 'docket-redis-cluster-'));
  const processes: ChildProcess[] = [];
  // If the test process dies before stop(), do not leave servers behind.
  const killAll = () => {
    for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    killAll();
    await Promise.all(
      processes.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      processes.push(child);
    }
    for (const port of ports) await until(`redis-server on ${port}`, () => answers(port));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(`cluster_state:ok on ${port}`, async () => {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        return stdout.includes('cluster_state:ok');
      });
    }
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
