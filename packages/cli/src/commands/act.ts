import type { Docket, Job } from '@docket/core';
import { toJobJson } from '@docket/http';
import type { Command } from '../command.js';

function jobAction(
  name: string,
  summary: string,
  act: (docket: Docket, id: string, reason: string | undefined) => Promise<Job | undefined>,
  done: string,
  options: string[] = [],
): Command {
  return {
    name,
    usage: `${name} <id>${options.includes('reason') ? ' [--reason <text>]' : ''}`,
    summary,
    options,
    args: { min: 1, max: 1 },
    async run(ctx) {
      const id = ctx.args[0]!;
      const docket = await ctx.open();
      try {
        const job = await act(docket, id, ctx.values.reason as string | undefined);
        if (ctx.json) ctx.print(JSON.stringify(job ? toJobJson(job) : { id, removed: true }, null, 2));
        else ctx.print(job ? `Job ${id} ${done}: now ${job.state}.` : `Job ${id} ${done}.`);
      } finally {
        await docket.close();
      }
    },
  };
}

export const retry = jobAction(
  'retry',
  'Run a failed or cancelled job again.',
  (d, id) => d.retry(id),
  'retried',
);
export const cancel = jobAction(
  'cancel',
  'Cancel a job that has not finished (and its dependents).',
  (d, id, reason) => d.cancel(id, reason),
  'cancelled',
  ['reason'],
);
export const remove = jobAction(
  'remove',
  'Delete a job that is not running.',
  async (d, id) => {
    await d.remove(id);
    return undefined;
  },
  'removed',
);
export const release = jobAction(
  'release',
  'Lift the hold of a job enqueued with hold.',
  (d, id) => d.release(id),
  'released',
);

function queueAction(name: 'pause' | 'resume', summary: string): Command {
  return {
    name,
    usage: `${name} <queue>`,
    summary,
    options: [],
    args: { min: 1, max: 1 },
    async run(ctx) {
      const queue = ctx.args[0]!;
      const docket = await ctx.open();
      try {
        if (name === 'pause') await docket.pauseQueue(queue);
        else await docket.resumeQueue(queue);
        const paused = name === 'pause';
        ctx.print(
          ctx.json
            ? JSON.stringify({ name: queue, paused })
            : `Queue ${queue} ${paused ? 'paused' : 'resumed'}.`,
        );
      } finally {
        await docket.close();
      }
    },
  };
}

export const pause = queueAction('pause', 'Stop workers from claiming jobs of a queue.');
export const resume = queueAction('resume', 'Let workers claim jobs of a queue again.');
