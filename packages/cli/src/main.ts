import { parseArgs } from 'node:util';
import { DocketError } from '@docket/core';
import { CliError, ExitCode, usageError } from './cli-error.js';
import type { CommandContext, OptionValues } from './command.js';
import { COMMANDS } from './commands/index.js';
import { helpText } from './help.js';
import type { CliIo } from './io.js';
import { openDocket } from './open-docket.js';

const GLOBAL_OPTIONS = ['store', 'json', 'verbose', 'help'];

const OPTIONS = {
  store: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  state: { type: 'string' },
  queue: { type: 'string' },
  task: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  order: { type: 'string' },
  reason: { type: 'string' },
  delay: { type: 'string' },
  priority: { type: 'string' },
  'max-attempts': { type: 'string' },
  id: { type: 'string' },
  hold: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  'no-auth': { type: 'boolean' },
  'read-only': { type: 'boolean' },
} as const;

function parse(argv: string[]): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw usageError((error as Error).message.replace(/\s*To specify a positional argument.*$/s, ''));
  }
}

/** An error as the one line the user sees, and its exit code. */
function report(error: unknown): { code: ExitCode; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (error instanceof DocketError) return { code: ExitCode.FAILED, message: error.message };
  return {
    code: ExitCode.FAILED,
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/**
 * Runs one `docket` command line (without `node` and the script name) and
 * returns the exit code. Never throws and never calls `process.exit`, so
 * tests call it directly with captured output.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    const { values, positionals } = parse(argv);
    verbose = values.verbose === true;
    const [name, ...args] = positionals;
    if (values.help || name === undefined || name === 'help') {
      io.stdout.write(helpText(COMMANDS));
      return name === undefined && !values.help ? ExitCode.USAGE : ExitCode.OK;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw usageError(`Unknown command "${name}".`);
    for (const [option, value] of Object.entries(values)) {
      if (value !== undefined && !GLOBAL_OPTIONS.includes(option) && !command.options.includes(option)) {
        throw usageError(`The ${name} command does not take --${option}.`);
      }
    }
    if (args.length < command.args.min || args.length > command.args.max) {
      throw usageError(`Usage: docket ${command.usage}`);
    }
    const storeUrl = (values.store as string | undefined) ?? io.env.DOCKET_STORE;
    const ctx: CommandContext = {
      io,
      args,
      values: { ...values, store: storeUrl },
      json: values.json === true,
      verbose,
      open: (probe = (docket) => docket.listQueues(), options) => openDocket(storeUrl, probe, options),
      print: (text) => io.stdout.write(`${text}\n`),
      progress: (text) => {
        if (!values.json) io.stderr.write(`${text}\n`);
      },
    };
    await command.run(ctx);
    return ExitCode.OK;
  } catch (error) {
    const { code, message } = report(error);
    io.stderr.write(`docket: ${message}\n`);
    if (verbose && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
      if (error.cause instanceof Error && error.cause.stack)
        io.stderr.write(`Caused by: ${error.cause.stack}\n`);
    }
    return code;
  }
}
