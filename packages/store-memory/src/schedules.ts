import type { ScheduleRecord, UpsertScheduleInput } from '@docket/core';

/** The stored periodic rules (rule 9), by name. Returns copies only. */
export class ScheduleTable {
  private readonly byName = new Map<string, ScheduleRecord>();

  /** Inserts or updates; keeps `paused`, and `nextRunAt`/`lastRunAt` while the rule is unchanged. */
  upsert(input: UpsertScheduleInput, now: number): ScheduleRecord {
    const existing = this.byName.get(input.name);
    const sameRule = existing !== undefined && existing.rule === input.rule;
    const stored: ScheduleRecord = {
      name: input.name,
      rule: input.rule,
      task: input.task,
      queue: input.queue,
      payload: input.payload,
      options: input.options,
      nextRunAt: sameRule ? existing.nextRunAt : input.nextRunAt,
      lastRunAt: existing?.lastRunAt ?? null,
      paused: existing?.paused ?? false,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.byName.set(stored.name, stored);
    return { ...stored };
  }

  get(name: string): ScheduleRecord | null {
    const stored = this.byName.get(name);
    return stored === undefined ? null : { ...stored };
  }

  list(): ScheduleRecord[] {
    return [...this.byName.values()]
      .sort((a, b) => compareStrings(a.name, b.name))
      .map((stored) => ({ ...stored }));
  }

  remove(name: string): boolean {
    return this.byName.delete(name);
  }

  setPaused(name: string, paused: boolean, now: number): boolean {
    const stored = this.byName.get(name);
    if (stored === undefined) return false;
    stored.paused = paused;
    stored.updatedAt = now;
    return true;
  }

  /** Unpaused schedules due at `now`, earliest first, at most `limit`. */
  due(now: number, limit: number): ScheduleRecord[] {
    const due: ScheduleRecord[] = [];
    for (const stored of this.byName.values()) {
      if (!stored.paused && stored.nextRunAt <= now) due.push(stored);
    }
    return due
      .sort((a, b) => a.nextRunAt - b.nextRunAt || compareStrings(a.name, b.name))
      .slice(0, limit)
      .map((stored) => ({ ...stored }));
  }

  /** Whether the tick `expectedNextRunAt` of `name` may fire now: it exists, is unpaused and not yet fired. */
  canFire(name: string, expectedNextRunAt: number): boolean {
    const stored = this.byName.get(name);
    return stored !== undefined && !stored.paused && stored.nextRunAt === expectedNextRunAt;
  }

  /** Records a fired tick; call only after {@link canFire}. */
  markFired(name: string, nextRunAt: number, now: number): void {
    const stored = this.byName.get(name);
    if (stored === undefined) return;
    stored.lastRunAt = now;
    stored.nextRunAt = nextRunAt;
    stored.updatedAt = now;
  }
}

/** Code-unit order, the same as SQL `COLLATE "C"` and Redis sorted sets. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
