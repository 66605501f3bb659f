import { createHash } from 'node:crypto';
import { type Cluster, Command, type Redis } from 'ioredis';
import acknowledge from './lua/acknowledge.lua';
import cancelJob from './lua/cancel-job.lua';
import claim from './lua/claim.lua';
import countJobs from './lua/count-jobs.lua';
import deleteExpired from './lua/delete-expired.lua';
import dueSchedules from './lua/due-schedules.lua';
import enqueue from './lua/enqueue.lua';
import enqueueOne from './lua/enqueue-one.lua';
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

/** Every script, by the name the store calls it. Each is the parts of `lib.lua` it uses, then its own file. */
const SOURCES = {
  acknowledge,
  cancelJob,
  claim,
  countJobs,
  deleteExpired,
  dueSchedules,
  enqueue,
  enqueueOne,
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
const commandName = (name: ScriptName) => `docket_v2_${name}`;

/** One top-level `local` declaration of lib.lua (with the comment lines above it). */
interface Declaration {
  name: string;
  text: string;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
/** A `--` comment to the end of the line (the scripts have no `--` inside string literals). */
const COMMENT = /--.*$/gm;
const identifiers = (code: string) => code.replace(COMMENT, '').match(IDENTIFIER) ?? [];
const DECLARATION = /^local (?:function )?([A-Za-z_][A-Za-z0-9_]*)/;

/** lib.lua cut into its top-level declarations, in order, each with the comment lines above it. */
function declarations(source: string): Declaration[] {
  const out: Declaration[] = [];
  let pending: string[] = [];
  for (const line of source.split('\n')) {
    const m = DECLARATION.exec(line);
    if (m) {
      out.push({ name: m[1]!, text: [...pending, line].join('\n') });
      pending = [];
    } else if (line.trim() === '' || line.startsWith('--')) {
      pending.push(line);
    } else if (out.length > 0) {
      // The body of the last declaration (indented, or its closing `end`).
      out[out.length - 1]!.text += `\n${[...pending, line].join('\n')}`;
      pending = [];
    } else {
      throw new Error(`lib.lua: unexpected top-level line ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/**
 * The script as Redis runs it: the declarations of lib.lua it uses (transitively), then its own
 * file. Every EVALSHA executes its whole chunk, so each unused helper would cost a closure
 * and every unused key constant a string concatenation on every call.
 */
export function assemble(libSource: string, source: string): string {
  const decls = declarations(libSource);
  const used = new Set(identifiers(source));
  const keep: boolean[] = [];
  // A declaration can only refer to earlier ones (Lua locals), so one pass from the end suffices.
  for (let i = decls.length - 1; i >= 0; i--) {
    const d = decls[i]!;
    keep[i] = used.has(d.name);
    if (keep[i]) for (const id of identifiers(d.text)) used.add(id);
  }
  const parts = decls.filter((_, i) => keep[i]).map((d) => d.text);
  return `${parts.join('\n')}\n${source}`;
}

/** Scripts the store sends itself as bare commands ({@link sendScript}), not through `defineCommand`. */
const DIRECT: ReadonlySet<ScriptName> = new Set(['enqueueOne']);

/**
 * Registers every other script on `client` with `defineCommand`: ioredis runs it by
 * EVALSHA and falls back to EVAL (loading it) after `NOSCRIPT`, on a single
 * server and on each Cluster node alike.
 */
export function defineScripts(client: Redis | Cluster): void {
  for (const [name, source] of Object.entries(SOURCES)) {
    if (DIRECT.has(name as ScriptName)) continue;
    client.defineCommand(commandName(name as ScriptName), { numberOfKeys: 1, lua: assemble(lib, source) });
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
  // ioredis flattens the argument list (Command: args.flat()), so the array goes as one argument: no spread.
  return command.call(client, tag, args);
}

/** A script sent as a bare `EVALSHA` command (see {@link sendScript}). */
export interface DirectScript {
  readonly lua: string;
  readonly sha: string;
}

export function directScript(name: ScriptName): DirectScript {
  const lua = assemble(lib, SOURCES[name]);
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const UTF8 = { replyEncoding: 'utf8' as const };

/**
 * Sends `EVALSHA <sha> 1 <args…>` (`args[0]` is the hash tag) as one ioredis `Command`. For the one
 * call per awaited enqueue: `defineCommand`'s wrapper costs a second promise, an argument copy and
 * closures per call. The caller retries with {@link evalScript} on a `NOSCRIPT` error
 * ({@link isNoScript}). The client's `keyPrefix`, if any, applies to the tag as it does for
 * `defineCommand` scripts.
 */
export function sendScript(
  client: Redis | Cluster,
  script: DirectScript,
  args: Array<string | number>,
): Promise<unknown> {
  return send(client, 'evalsha', script.sha, args);
}

/** {@link sendScript} by `EVAL`, which also caches the script on the server that runs it. */
export function evalScript(
  client: Redis | Cluster,
  script: DirectScript,
  args: Array<string | number>,
): Promise<unknown> {
  return send(client, 'eval', script.lua, args);
}

export const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

function send(
  client: Redis | Cluster,
  name: string,
  body: string,
  args: Array<string | number>,
): Promise<unknown> {
  const keyPrefix = (client.options as { keyPrefix?: string }).keyPrefix;
  // Command flattens its argument list, so the args array goes in as one element: no copy here.
  const command = new Command(name, [body, 1, args], keyPrefix ? { ...UTF8, keyPrefix } : UTF8);
  client.sendCommand(command);
  return command.promise;
}
