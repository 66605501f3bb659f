import type {
  AcknowledgeParams,
  ClaimParams,
  EnqueueOutcome,
  EnqueueParams,
  FireScheduleParams,
  HeartbeatParams,
  JobCount,
  JobPage,
  JobRecord,
  JobState,
  ListJobsParams,
  NewJob,
  QueueInfo,
  RetentionSpec,
  ScheduleRecord,
  Storage,
  StorageCapabilities,
  Unsubscribe,
  UpsertScheduleInput,
  WakeListener,
} from '@docket/core';
import {
  assertNamespace,
  InvalidOptionError,
  InvalidStateError,
  NotSupportedError,
  StoreClosedError,
  StoreError,
} from '@docket/core';
import { type Cluster, Redis } from 'ioredis';
import { encodeJobs, encodeRetention, priorityKey, pushAckArgs, runAtKey } from './encode.js';
import { decodeCursor, encodeCursor } from './job-cursor.js';
import {
  fromHash,
  toClaimedRecord,
  toJobRecord,
  toOutcome,
  toOutcomes,
  toScheduleRecord,
} from './records.js';
import {
  defineScripts,
  directScript,
  evalScript,
  isNoScript,
  runScript,
  type ScriptName,
  sendScript,
} from './scripts.js';
import { WakeSubscriber } from './wake-subscriber.js';

/** Where the store connects: a URL it opens and closes, or a client the caller owns. */
export type RedisConnection = { url: string } | { client: Redis | Cluster };

export interface RedisStoreOptions {
  /**
   * Namespace of every key, used as a hash tag: keys are `{<prefix>}:…`, so a
   * namespace lives in one Cluster slot. 1-48 of `[A-Za-z0-9_]`. Default `docket`.
   */
  prefix?: string;
}

type Reply = unknown[];

/** A time as the scripts store it (lib.lua fmt: `%.0f`). */
const wholeMs = (ms: number) => (Number.isInteger(ms) ? ms : Number(ms.toFixed(0)));

const ENQUEUE_ONE = directScript('enqueueOne');

/** The key layout this version writes (`{prefix}:version`). */
const LAYOUT_VERSION = 1;

/**
 * A docket `Storage` on Redis or Redis Cluster (ioredis). Every transition is
 * one Lua script over keys sharing the `{prefix}` hash tag; wake-ups travel on
 * the `{prefix}:wake` pub/sub channel.
 */
export class RedisStore implements Storage {
  readonly capabilities: StorageCapabilities = {
    transactions: false,
    pushNotifications: true,
    multiProcess: true,
    timePrecisionMs: 1,
  };

  /** The client the store runs its scripts on. */
  readonly client: Redis | Cluster;
  /** The namespace's hash tag, `{<prefix>}`: every key of the store starts with it. */
  readonly tag: string;
  private readonly ownsClient: boolean;
  private readonly wake: WakeSubscriber;
  private closing: Promise<void> | undefined;

  constructor(connection: RedisConnection, options: RedisStoreOptions = {}) {
    const prefix = options.prefix ?? 'docket';
    assertNamespace('Redis key prefix', prefix);
    this.tag = `{${prefix}}`;
    if ('client' in connection) {
      this.client = connection.client;
      this.ownsClient = false;
    } else {
      this.client = new Redis(connection.url);
      // Connection errors surface on the commands that hit them; ioredis reconnects by itself.
      this.client.on('error', () => {});
      this.ownsClient = true;
    }
    defineScripts(this.client);
    this.wake = new WakeSubscriber(this.client, `${this.tag}:wake`);
  }

  private assertOpen(operation: string): void {
    if (this.closing) throw new StoreClosedError(operation);
  }

  private run(name: ScriptName, args: ReadonlyArray<string | number>): Promise<any> {
    this.assertOpen(name);
    return runScript(this.client, name, this.tag, args);
  }

  // ─── Lifecycle ─────────────────────────────────────────────────────────────

  async setup(): Promise<void> {
    this.assertOpen('setup');
    // Keys are created on first write; only the layout version is recorded, so that a later
    // version of this package can migrate, and an older one refuses a layout it does not know.
    const key = `${this.tag}:version`;
    await this.client.set(key, String(LAYOUT_VERSION), 'NX');
    const stored = Number(await this.client.get(key));
    if (stored > LAYOUT_VERSION) {
      throw new StoreError(
        'setup',
        new Error(
          `the keys under ${this.tag} use layout version ${stored}, newer than this @docket/store-redis (${LAYOUT_VERSION}); upgrade the package.`,
        ),
      );
    }
  }

  close(): Promise<void> {
    // Every caller waits for the same shutdown, so no one proceeds while replies are still due.
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.wake.close();
    if (this.ownsClient) {
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
    }
  }

  async serverTime(): Promise<number> {
    this.assertOpen('serverTime');
    const [seconds, micros] = await this.client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  // ─── Enqueue ───────────────────────────────────────────────────────────────

  enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    if (params.tx !== undefined) {
      return Promise.reject(
        new NotSupportedError(
          'The Redis store does not take a transaction handle (`tx`); enqueue outside a transaction or use enqueueMany.',
        ),
      );
    }
    const jobs = params.jobs;
    if (jobs.length === 0) return Promise.resolve([]);
    const first = jobs[0]!;
    if (jobs.length === 1 && !first.hold && first.unique === null && first.dependsOn.length === 0) {
      return this.enqueueOne(first, params.now);
    }
    return this.enqueueBatch(params);
  }

  private async enqueueBatch(params: EnqueueParams): Promise<EnqueueOutcome[]> {
    const args = encodeJobs(params.jobs);
    args.unshift(params.now);
    return toOutcomes(await this.run('enqueue', args), params.jobs);
  }

  private lastRetention: RetentionSpec | undefined;
  private lastRetentionText = '';

  /** encodeRetention, remembered for the previous spec: one-by-one enqueues usually repeat it. */
  private retentionText(r: RetentionSpec): string {
    const last = this.lastRetention;
    if (
      last === undefined ||
      last.completed !== r.completed ||
      last.failed !== r.failed ||
      last.cancelled !== r.cancelled ||
      last.dropPayload !== r.dropPayload
    ) {
      this.lastRetentionText = encodeRetention(r);
      this.lastRetention = { ...r };
    }
    return this.lastRetentionText;
  }

  /**
   * A single plain job (no hold, unique key or dependency), the one-by-one enqueue: the lean script
   * as a bare EVALSHA, its reply parsed in the same callback that handles a `NOSCRIPT`.
   */
  private enqueueOne(job: NewJob, now: number): Promise<EnqueueOutcome[]> {
    const runAt = Math.trunc(job.runAt);
    let args: Array<string | number>;
    try {
      this.assertOpen('enqueue');
      args = [
        this.tag,
        now,
        job.task,
        job.queue,
        job.priority,
        priorityKey(job.priority),
        job.maxAttempts,
        this.retentionText(job.retention),
        job.id,
        job.payload,
        runAt,
        runAtKey(runAt),
      ];
    } catch (error) {
      return Promise.reject(error);
    }
    const outcome = (reply: unknown): EnqueueOutcome[] => [
      reply === 1
        ? { id: job.id, duplicate: false, state: 'ready' }
        : reply === 2
          ? { id: job.id, duplicate: false, state: 'scheduled' }
          : toOutcome(reply as string, job.id),
    ];
    return sendScript(this.client, ENQUEUE_ONE, args).then(outcome, (error: unknown) => {
      if (!isNoScript(error)) throw error;
      return evalScript(this.client, ENQUEUE_ONE, args).then(outcome);
    });
  }

  // ─── Dispatch ──────────────────────────────────────────────────────────────

  async claim(params: ClaimParams): Promise<JobRecord[]> {
    if (params.limit <= 0 || params.queues.length === 0) return [];
    const reply: Reply[] = await this.run('claim', [
      params.now,
      params.limit,
      params.leaseMs,
      params.token,
      params.workerId,
      params.queues.length,
      ...params.queues,
    ]);
    // As claim.lua writes them: whole ms (fmt), startedAt = now, leaseExp = now + leaseMs.
    const startedAt = wholeMs(params.now);
    const leaseExpiresAt = wholeMs(params.now + params.leaseMs);
    const jobs: JobRecord[] = new Array(reply.length);
    for (let i = 0; i < reply.length; i++) {
      const row = reply[i] as Array<string | null>;
      jobs[i] = toClaimedRecord(row, startedAt, params.token, params.workerId, leaseExpiresAt);
    }
    return jobs;
  }

  async heartbeat(params: HeartbeatParams): Promise<boolean[]> {
    if (params.leases.length === 0) return [];
    const args = [params.now, params.leaseMs, ...params.leases.flatMap((l) => [l.id, l.token])];
    const reply: number[] = await this.run('heartbeat', args);
    return reply.map((r) => r === 1);
  }

  async acknowledge(params: AcknowledgeParams): Promise<boolean[]> {
    if (params.acks.length === 0) return [];
    const args: Array<string | number> = [params.now];
    for (const ack of params.acks) pushAckArgs(args, ack);
    const reply: number[] = await this.run('acknowledge', args);
    return reply.map((r) => r === 1);
  }

  async listExpiredLeases(params: { now: number; limit: number }): Promise<JobRecord[]> {
    if (params.limit <= 0) return [];
    const reply: Reply[] = await this.run('expiredLeases', [params.now, params.limit]);
    return reply.map((r) => toJobRecord(r, params.now));
  }

  async nextRunAt(params: { queues: string[]; now: number }): Promise<number | null> {
    if (params.queues.length === 0) return null;
    const reply: string = await this.run('nextRunAt', [params.now, ...params.queues]);
    return reply === '' ? null : Number(reply);
  }

  async subscribe(listener: WakeListener): Promise<Unsubscribe> {
    this.assertOpen('subscribe');
    return this.wake.add(listener);
  }

  // ─── Operator transitions ──────────────────────────────────────────────────

  private jobOrState(reply: Reply, id: string, action: string, now: number): JobRecord | null {
    if (reply.length === 0) return null;
    if (reply[0] === 'STATE') throw new InvalidStateError(id, String(reply[1]), action);
    return toJobRecord(reply, now);
  }

  async cancelJob(params: { id: string; reason: string; now: number }): Promise<JobRecord | null> {
    const reply: Reply = await this.run('cancelJob', [params.id, params.reason, params.now]);
    return this.jobOrState(reply, params.id, 'cancel', params.now);
  }

  async retryJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    const reply: Reply = await this.run('retryJob', [params.id, params.now]);
    return this.jobOrState(reply, params.id, 'retry', params.now);
  }

  async releaseHold(params: { id: string; now: number }): Promise<JobRecord | null> {
    const reply: Reply = await this.run('releaseHold', [params.id, params.now]);
    if (reply[0] === 'STATE') {
      const state = Number(reply[2]) === 1 ? String(reply[1]) : `${String(reply[1])} and not held`;
      throw new InvalidStateError(params.id, state, 'release the hold of');
    }
    return this.jobOrState(reply, params.id, 'release the hold of', params.now);
  }

  async removeJob(params: { id: string; now: number }): Promise<boolean> {
    this.assertOpen('removeJob');
    const reply: number | Reply = await this.run('removeJob', [params.id, params.now]);
    if (Array.isArray(reply))
      throw new InvalidStateError(params.id, String(reply[1]), 'remove (cancel it first)');
    return reply === 1;
  }

  async setQueuePaused(params: { queue: string; paused: boolean; now: number }): Promise<void> {
    await this.run('setQueuePaused', [params.queue, params.paused ? '1' : '0']);
  }

  // ─── Inspection ────────────────────────────────────────────────────────────

  async getJob(params: { id: string; now: number }): Promise<JobRecord | null> {
    this.assertOpen('getJob');
    const hash = await this.client.hgetall(`${this.tag}:job:${params.id}`);
    return fromHash(params.id, hash, params.now);
  }

  async listJobs(params: ListJobsParams): Promise<JobPage> {
    if (!Number.isSafeInteger(params.limit) || params.limit < 1) {
      throw new InvalidOptionError(`listJobs limit must be a positive integer, got ${String(params.limit)}.`);
    }
    const reply: [string, ...Reply[]] = await this.run('listJobs', [
      params.now,
      params.limit,
      params.order ?? 'desc',
      params.cursor === undefined ? '' : decodeCursor(params.cursor),
      params.queue ?? '',
      params.state ?? '',
      params.task ?? '',
    ]);
    const [next, ...jobs] = reply;
    return {
      jobs: jobs.map((r) => toJobRecord(r, params.now)),
      nextCursor: next === '' ? null : encodeCursor(next),
    };
  }

  async countJobs(params: { now: number; queue?: string }): Promise<JobCount[]> {
    const reply: unknown[] = await this.run('countJobs', [params.now, params.queue ?? '']);
    const counts: JobCount[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      counts.push({ queue: String(reply[i]), state: reply[i + 1] as JobState, count: Number(reply[i + 2]) });
    }
    return counts;
  }

  async listQueues(): Promise<QueueInfo[]> {
    const reply: unknown[] = await this.run('listQueues', []);
    const queues: QueueInfo[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      queues.push({ name: String(reply[i]), paused: Number(reply[i + 1]) === 1 });
    }
    return queues;
  }

  // ─── Schedules ─────────────────────────────────────────────────────────────

  async upsertSchedule(params: { schedule: UpsertScheduleInput; now: number }): Promise<ScheduleRecord> {
    const s = params.schedule;
    const reply: Reply = await this.run('upsertSchedule', [
      s.name,
      s.rule,
      s.task,
      s.queue,
      s.payload,
      s.options,
      s.nextRunAt,
      params.now,
    ]);
    return toScheduleRecord(reply);
  }

  async getSchedule(params: { name: string }): Promise<ScheduleRecord | null> {
    this.assertOpen('getSchedule');
    const hash = await this.client.hgetall(`${this.tag}:s:${params.name}`);
    if (!hash.rule) return null;
    return toScheduleRecord([params.name, ...Object.entries(hash).flat()]);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    const reply: Reply[] = await this.run('listSchedules', []);
    return reply.map(toScheduleRecord);
  }

  async removeSchedule(params: { name: string }): Promise<boolean> {
    return (await this.run('removeSchedule', [params.name])) === 1;
  }

  async setSchedulePaused(params: { name: string; paused: boolean; now: number }): Promise<boolean> {
    return (await this.run('setSchedulePaused', [params.name, params.paused ? '1' : '0', params.now])) === 1;
  }

  async dueSchedules(params: { now: number; limit: number }): Promise<ScheduleRecord[]> {
    if (params.limit <= 0) return [];
    const reply: Reply[] = await this.run('dueSchedules', [params.now, params.limit]);
    return reply.map(toScheduleRecord);
  }

  async fireSchedule(params: FireScheduleParams): Promise<EnqueueOutcome | null> {
    const reply: Reply = await this.run('fireSchedule', [
      params.name,
      params.expectedNextRunAt,
      params.nextRunAt,
      params.now,
      ...encodeJobs([params.job]),
    ]);
    if (reply.length === 0) return null;
    return toOutcomes(reply, [params.job])[0] ?? null;
  }

  // ─── Retention ─────────────────────────────────────────────────────────────

  async deleteExpired(params: { now: number; limit: number }): Promise<number> {
    if (params.limit <= 0) return 0;
    return Number(await this.run('deleteExpired', [params.now, params.limit]));
  }
}
