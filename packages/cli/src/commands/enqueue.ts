import { defineTask, type EnqueueOptions, PermanentError, type TaskDefinition } from '@docket/core';
import { CliError, ExitCode } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseDuration, parseInteger } from '../duration.js';

/**
 * A stand-in definition so the CLI can enqueue a task of an application
 * whose code it does not have: docket refuses unregistered task names, and a
 * definition needs a handler. The CLI never starts a worker, so this handler
 * never runs; the application's workers run their own registered handler for
 * the job. Were it ever run, it fails the job permanently rather than
 * pretending to succeed.
 */
export function placeholderTask(name: string, queue: string | undefined): TaskDefinition<unknown, never> {
  return defineTask<unknown, never>({
    name,
    ...(queue === undefined ? {} : { queue }),
    handler: async () => {
      throw new PermanentError(
        `Task "${name}" was registered by the docket CLI only to enqueue; it has no handler.`,
      );
    },
  });
}

export const enqueue: Command = {
  name: 'enqueue',
  usage:
    'enqueue <task> <json> [--queue <q>] [--delay <ms|30s|5m>] [--priority <n>] [--max-attempts <n>] [--id <id>] [--hold]',
  summary: "Enqueue a job of any task by name (the application's workers run it).",
  options: ['queue', 'delay', 'priority', 'max-attempts', 'id', 'hold'],
  args: { min: 1, max: 2 },
  async run(ctx) {
    const [task, text = 'null'] = ctx.args as [string, string?];
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw new CliError(ExitCode.FAILED, `The payload is not valid JSON: ${(error as Error).message}`);
    }
    const values = ctx.values as Record<string, string | boolean | undefined>;
    const options: EnqueueOptions = {};
    if (typeof values.delay === 'string') options.delay = parseDuration('delay', values.delay);
    if (typeof values.priority === 'string') options.priority = parseInteger('priority', values.priority);
    if (typeof values['max-attempts'] === 'string')
      options.maxAttempts = parseInteger('max-attempts', values['max-attempts'], 1);
    if (typeof values.id === 'string') options.id = values.id;
    if (values.hold === true) options.hold = true;
    // The queue goes on the placeholder, as it would on the application's own definition.
    const definition = placeholderTask(task, values.queue as string | undefined);
    const docket = await ctx.open(undefined, { tasks: [definition] });
    try {
      const outcome = await docket.enqueue(definition, payload, options);
      if (ctx.json) ctx.print(JSON.stringify(outcome));
      else if (outcome.duplicate)
        ctx.print(`Job ${outcome.id} already exists (${outcome.state}); nothing enqueued.`);
      else ctx.print(`Enqueued job ${outcome.id} (${outcome.state}).`);
    } finally {
      await docket.close();
    }
  },
};
