import type { Command } from '../command.js';
import { redactUrl } from '../open-docket.js';

export const migrate: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: "Create or upgrade the store's schema (idempotent).",
  options: [],
  args: { min: 0, max: 0 },
  async run(ctx) {
    const started = Date.now();
    ctx.progress(`Connecting to ${redactUrl(String(ctx.values.store))} and migrating…`);
    const docket = await ctx.open((d) => d.setup(), { creates: true });
    try {
      const ms = Date.now() - started;
      if (ctx.json) ctx.print(JSON.stringify({ migrated: true, ms }));
      else ctx.print(`Store is up to date (${ms} ms).`);
    } finally {
      await docket.close();
    }
  },
};
