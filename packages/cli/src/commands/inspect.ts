import { JOB_STATES } from '@docket/core';
import { type JobJson, queueCounts, toJobJson, toScheduleJson } from '@docket/http';
import { CliError, ExitCode } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseInteger } from '../duration.js';
import { table, when } from '../table.js';

export const stats: Command = {
  name: 'stats',
  usage: 'stats',
  summary: 'Jobs per queue and state.',
  options: ['queue'],
  args: { min: 0, max: 0 },
  async run(ctx) {
    const docket = await ctx.open();
    try {
      const snapshot = await queueCounts(docket);
      const queue = ctx.values.queue as string | undefined;
      const queues = queue === undefined ? snapshot.queues : snapshot.queues.filter((q) => q.name === queue);
      if (ctx.json) {
        ctx.print(JSON.stringify(queue === undefined ? snapshot : { queues }, null, 2));
        return;
      }
      if (queues.length === 0) {
        ctx.print(
          queue === undefined ? 'No queues yet: no jobs were enqueued.' : `Queue "${queue}" has no jobs.`,
        );
        return;
      }
      const rows = queues.map((q) => [
        q.name,
        q.paused ? 'paused' : 'running',
        ...JOB_STATES.map((s) => q.counts[s]),
      ]);
      if (queue === undefined) rows.push(['total', '', ...JOB_STATES.map((s) => snapshot.totals[s])]);
      ctx.print(table(['queue', 'status', ...JOB_STATES], rows).trimEnd());
    } finally {
      await docket.close();
    }
  },
};

export const jobs: Command = {
  name: 'jobs',
  usage: 'jobs [--state <state>] [--queue <q>] [--task <t>] [--limit <n>] [--cursor <c>] [--order asc|desc]',
  summary: 'One page of jobs, newest first.',
  options: ['state', 'queue', 'task', 'limit', 'cursor', 'order'],
  args: { min: 0, max: 0 },
  async run(ctx) {
    const { state, queue, task, cursor, order } = ctx.values as Record<string, string | undefined>;
    const limit = ctx.values.limit === undefined ? 50 : parseInteger('limit', ctx.values.limit as string, 1);
    const docket = await ctx.open();
    try {
      const page = await docket.listJobs({
        state: state as never,
        queue,
        task,
        cursor,
        order: order as never,
        limit,
      });
      const views = page.jobs.map(toJobJson);
      if (ctx.json) {
        ctx.print(JSON.stringify({ jobs: views, nextCursor: page.nextCursor }, null, 2));
        return;
      }
      if (views.length === 0) ctx.print('No jobs match.');
      else
        ctx.print(
          table(
            ['id', 'task', 'queue', 'state', 'attempts', 'run at', 'created'],
            views.map((j) => [
              j.id,
              j.task,
              j.queue,
              j.state,
              `${j.attempts}/${j.maxAttempts}`,
              when(j.runAt),
              when(j.createdAt),
            ]),
          ).trimEnd(),
        );
      if (page.nextCursor) ctx.print(`\nMore: docket jobs --cursor ${page.nextCursor}`);
    } finally {
      await docket.close();
    }
  },
};

/** A job as a block of text: fields, payload, result, and each attempt's error. */
export function describeJob(job: JobJson): string {
  const lines = [
    `id:          ${job.id}`,
    `task:        ${job.task}`,
    `queue:       ${job.queue}`,
    `state:       ${job.state}${job.held ? ' (held)' : ''}`,
    `attempts:    ${job.attempts}/${job.maxAttempts}`,
    `priority:    ${job.priority}`,
    `created:     ${when(job.createdAt)}`,
    `run at:      ${when(job.runAt)}`,
    `started:     ${when(job.startedAt)}`,
    `finished:    ${when(job.finishedAt)}`,
  ];
  if (job.dependsOn.length > 0) lines.push(`depends on:  ${job.dependsOn.join(', ')}`);
  if (job.uniqueKey !== null) lines.push(`unique key:  ${job.uniqueKey}`);
  if (job.workerId !== null)
    lines.push(`worker:      ${job.workerId} (lease until ${when(job.leaseExpiresAt)})`);
  if (job.cancelReason !== null) lines.push(`cancelled:   ${job.cancelReason}`);
  lines.push(`payload:     ${JSON.stringify(job.payload, null, 2).replace(/\n/g, '\n             ')}`);
  if (job.result !== null)
    lines.push(`result:      ${JSON.stringify(job.result, null, 2).replace(/\n/g, '\n             ')}`);
  for (const error of job.errors) {
    lines.push(
      '',
      `attempt ${error.attempt} failed at ${when(error.at)}: ${error.name ? `${error.name}: ` : ''}${error.message}`,
    );
    if (error.stack) lines.push(...error.stack.split('\n').map((line) => `    ${line}`));
  }
  return lines.join('\n');
}

export const job: Command = {
  name: 'job',
  usage: 'job <id>',
  summary: 'One job with its payload, result and errors.',
  options: [],
  args: { min: 1, max: 1 },
  async run(ctx) {
    const id = ctx.args[0]!;
    const docket = await ctx.open();
    try {
      const found = await docket.getJob(id);
      if (!found) throw new CliError(ExitCode.FAILED, `Job "${id}" does not exist.`);
      const view = toJobJson(found);
      ctx.print(ctx.json ? JSON.stringify(view, null, 2) : describeJob(view));
    } finally {
      await docket.close();
    }
  },
};

export const schedules: Command = {
  name: 'schedules',
  usage: 'schedules',
  summary: 'Every schedule with its next run.',
  options: [],
  args: { min: 0, max: 0 },
  async run(ctx) {
    const docket = await ctx.open();
    try {
      const views = (await docket.listSchedules()).map(toScheduleJson);
      if (ctx.json) {
        ctx.print(JSON.stringify({ schedules: views }, null, 2));
        return;
      }
      if (views.length === 0) {
        ctx.print('No schedules.');
        return;
      }
      const rule = (r: (typeof views)[number]['rule']) =>
        'every' in r ? `every ${r.every} ms` : `cron ${r.cron}${r.timezone ? ` (${r.timezone})` : ''}`;
      ctx.print(
        table(
          ['name', 'rule', 'task', 'queue', 'next run', 'last run', 'status'],
          views.map((s) => [
            s.name,
            rule(s.rule),
            s.task,
            s.queue,
            when(s.nextRunAt),
            when(s.lastRunAt),
            s.paused ? 'paused' : 'active',
          ]),
        ).trimEnd(),
      );
    } finally {
      await docket.close();
    }
  },
};
