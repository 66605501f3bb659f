import type { Docket } from '@docket/core';
import type { CliIo } from './io.js';
import type { OpenOptions } from './open-docket.js';

/** Option values of the whole command line, as `util.parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** What a command receives. */
export interface CommandContext {
  io: CliIo;
  /** The positionals after the command name. */
  args: string[];
  values: OptionValues;
  json: boolean;
  verbose: boolean;
  /** Opens the store named by --store / DOCKET_STORE and checks it answers. */
  open(probe?: (docket: Docket) => Promise<unknown>, options?: OpenOptions): Promise<Docket>;
  /** Writes a line to stdout (the command's result). */
  print(text: string): void;
  /** Writes a progress line to stderr, so stdout stays clean for --json. */
  progress(text: string): void;
}

/** One `docket` command. */
export interface Command {
  name: string;
  /** e.g. `job <id>`. */
  usage: string;
  summary: string;
  /** The options it accepts besides the global ones. */
  options: readonly string[];
  args: { min: number; max: number };
  run(ctx: CommandContext): Promise<void>;
}
