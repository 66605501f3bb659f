import type { Command } from './command.js';

/** The text of `docket --help`. */
export function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `docket: inspect and operate docket job queues

Usage: docket --store <url> <command> [options]

The store URL may also come from DOCKET_STORE:
  sqlite:./jobs.db   postgres://user@host/db?schema=docket   redis://host:6379?prefix=app   memory://

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${commands.map((c) => `  docket ${c.usage}`).join('\n')}

Global options:
  --store <url>   the store (default: $DOCKET_STORE)
  --json          machine-readable output on stdout
  --verbose       stack traces on errors
  -h, --help      this help

Exit codes: 0 ok, 1 refused (unknown job, wrong state, bad input), 2 store URL or connection problem, 64 usage error.
`;
}
