import type { Cluster, Redis } from 'ioredis';
import acknowledge from './lua/acknowledge.lua';
import cancelJob from './lua/cancel-job.lua';
import claim from './lua/claim.lua';
import countJobs from './lua/count-jobs.lua';
import deleteExpired from './lua/delete-expired.lua';
import dueSchedules from './lua/due-schedules.lua';
import enqueue from './lua/enqueue.lua';
import expiredLeases from './lua/expired-leases.lua';
import fireSchedule from './lua/fire-schedule.lua';
import heartbeat from './lua/heartbeat.lua';
import lib from './lua/lib.lua';
import listJobs from './lua/list-jobs.lua';
import listQueues from './lua/list-queues.lua';
import listSchedules from './lua/list-schedules.lua';
import nextRunAt from './lua/next-run-at.lua';
import releaseHold from './lua/release-hold.lua';
import removeJob from './lua/remove-job.lua';
import removeSchedule from './lua/remove-schedule.lua';
import retryJob from './lua/retry-job.lua';
import setQueuePaused from './lua/set-queue-paused.lua';
import setSchedulePaused from './lua/set-schedule-paused.lua';
import upsertSchedule from './lua/upsert-schedule.lua';

/** Every script, by the name the store calls it. Each is `lib.lua` followed by its own file. */
const SOURCES = {
  acknowledge,
  cancelJob,
  claim,
  countJobs,
  deleteExpired,
  dueSchedules,
  enqueue,
  expiredLeases,
  fireSchedule,
  heartbeat,
  listJobs,
  listQueues,
  listSchedules,
  nextRunAt,
  releaseHold,
  removeJob,
  removeSchedule,
  retryJob,
  setQueuePaused,
  setSchedulePaused,
  upsertSchedule,
} as const;

export type ScriptName = keyof typeof SOURCES;

/** The ioredis command name of a script; versioned so an old definition on a shared client is never reused. */
const commandName = (name: ScriptName) => `docket_v1_${name}`;

/**
 * Registers every script on `client` with `defineCommand`: ioredis runs it by
 * EVALSHA and falls back to EVAL (loading it) after `NOSCRIPT`, on a single
 * server and on each Cluster node alike.
 */
export function defineScripts(client: Redis | Cluster): void {
  for (const [name, source] of Object.entries(SOURCES)) {
    client.defineCommand(commandName(name as ScriptName), { numberOfKeys: 1, lua: `${lib}\n${source}` });
  }
}

/** Runs a script registered by `defineScripts`, with the namespace's hash tag as its only key. */
export function runScript(
  client: Redis | Cluster,
  name: ScriptName,
  tag: string,
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
    commandName(name)
  ];
  if (!command) throw new Error(`Script ${name} is not defined on this client`);
  return command.call(client, tag, ...args);
}
