import type { Statement } from './db.js';
import { SCHEDULE_COLUMNS } from './job-row.js';

/** Schedules (rule 9). Names sort in code-unit order (COLLATE "C"), as in every store. */
export function scheduleSql(s: string, make: (key: string, text: string) => Statement) {
  return {
    /**
     * Inserts or updates; keeps paused, created_at and last_run_at, and
     * next_run_at while the rule is unchanged.
     * $1 name, $2 rule, $3 task, $4 queue, $5 payload, $6 options, $7 int8 next_run_at, $8 int8 now.
     * Returns SCHEDULE_COLUMNS.
     */
    upsert: make(
      'supsert',
      `INSERT INTO ${s}.schedules AS t (name, rule, task, queue, payload, options, next_run_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, task = excluded.task, queue = excluded.queue,
         payload = excluded.payload, options = excluded.options,
         next_run_at = CASE WHEN t.rule = excluded.rule THEN t.next_run_at ELSE excluded.next_run_at END,
         updated_at = excluded.updated_at
       RETURNING ${SCHEDULE_COLUMNS}`,
    ),
    /** $1 name. Returns SCHEDULE_COLUMNS. */
    get: make('sget', `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules WHERE name = $1`),
    /** Returns SCHEDULE_COLUMNS of every schedule, by name. */
    list: make('slist', `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules ORDER BY name COLLATE "C"`),
    /** $1 name. Returns the name if deleted. */
    remove: make('sremove', `DELETE FROM ${s}.schedules WHERE name = $1 RETURNING name`),
    /** $1 name, $2 bool paused, $3 int8 now. Returns the name if it exists. */
    setPaused: make(
      'spause',
      `UPDATE ${s}.schedules SET paused = $2, updated_at = $3 WHERE name = $1 RETURNING name`,
    ),
    /** $1 int8 now, $2 int limit. Returns SCHEDULE_COLUMNS of unpaused due schedules, earliest first. */
    due: make(
      'sdue',
      `SELECT ${SCHEDULE_COLUMNS} FROM ${s}.schedules WHERE NOT paused AND next_run_at <= $1
       ORDER BY next_run_at, name COLLATE "C" LIMIT $2`,
    ),
    /**
     * Claims one tick: only while unpaused and next_run_at = $2.
     * $1 name, $2 int8 expected next_run_at, $3 int8 new next_run_at, $4 int8 now.
     * Returns the name if this caller fired the tick.
     */
    fire: make(
      'sfire',
      `UPDATE ${s}.schedules SET last_run_at = $4, next_run_at = $3, updated_at = $4
       WHERE name = $1 AND NOT paused AND next_run_at = $2 RETURNING name`,
    ),
  };
}

export type ScheduleSql = ReturnType<typeof scheduleSql>;
