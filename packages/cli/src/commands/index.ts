import type { Command } from '../command.js';
import { cancel, pause, release, remove, resume, retry } from './act.js';
import { dashboard } from './dashboard.js';
import { enqueue } from './enqueue.js';
import { job, jobs, schedules, stats } from './inspect.js';
import { migrate } from './migrate.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  stats,
  jobs,
  job,
  retry,
  cancel,
  remove,
  release,
  enqueue,
  schedules,
  pause,
  resume,
  migrate,
  dashboard,
];
