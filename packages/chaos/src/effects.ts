import { existsSync, readFileSync } from 'node:fs';

/** One side effect a handler recorded: `start` when it began, `done` when it finished. */
export interface Effect {
  what: 'start' | 'done';
  id: string;
  attempt: number;
  pid: number;
  /** When it happened (local epoch ms). */
  at: number;
}

/** The effects appended to `file` by every process (one line each, written synchronously). */
export function readEffects(file: string): Effect[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [what, id, attempt, pid, at] = line.split(' ');
      return {
        what: what as Effect['what'],
        id: id!,
        attempt: Number(attempt),
        pid: Number(pid),
        at: Number(at),
      };
    });
}

/** Effects grouped per job id. */
export function effectsByJob(effects: Effect[]): Map<string, Effect[]> {
  const byJob = new Map<string, Effect[]>();
  for (const effect of effects) {
    const list = byJob.get(effect.id) ?? [];
    list.push(effect);
    byJob.set(effect.id, list);
  }
  return byJob;
}
