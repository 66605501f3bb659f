import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StoreSpec } from '../fixtures/open-store.mjs';

const FIXTURE = fileURLToPath(new URL('../fixtures/worker.mjs', import.meta.url));

/** The command line of `fixtures/worker.mjs`. */
export interface ChildConfig {
  spec: StoreSpec;
  /** File the handlers append their side effects to. */
  effects: string;
  concurrency?: number;
  leaseMs?: number;
  pollIntervalMs?: number;
  rescuerMs?: number;
  stopTimeoutMs?: number;
  poisonAttempts?: number;
  poisonBackoffMs?: number;
}

export interface ChildEvent {
  pid: number;
  ev: string;
  id?: string;
  attempt?: number;
  ms?: number;
}

/** A worker process running `fixtures/worker.mjs`, with its stdout events. */
export class ChildWorker {
  readonly process: ChildProcess;
  readonly events: ChildEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  stderr = '';

  constructor(config: ChildConfig) {
    this.process = spawn(process.execPath, [FIXTURE, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        try {
          this.events.push(JSON.parse(line) as ChildEvent);
        } catch {
          continue;
        }
        for (const wake of this.waiters.splice(0)) wake();
      }
    });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Resolves with the first event matching `match` (already seen or coming); rejects on timeout or exit. */
  async waitFor(match: (event: ChildEvent) => boolean, timeoutMs = 20_000): Promise<ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (!this.alive)
        throw new Error(`child ${this.pid} exited before the awaited event; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`child ${this.pid}: timed out waiting for an event; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  count(ev: string): number {
    return this.events.filter((e) => e.ev === ev).length;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.process.kill(signal);
  }
}

/** Starts a child worker and waits until it is claiming. */
export async function startChild(config: ChildConfig): Promise<ChildWorker> {
  const child = new ChildWorker(config);
  await child.waitFor((e) => e.ev === 'ready', 30_000);
  return child;
}

/** SIGKILLs every child still alive and waits for all of them to exit. */
export async function killAll(children: ChildWorker[]): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => child.exited));
}
