/** Exit codes of `docket`. */
export const ExitCode = {
  OK: 0,
  /** The operation was refused: unknown job, wrong state, bad input. */
  FAILED: 1,
  /** The store URL is bad, its package is missing, or the store cannot be reached. */
  STORE: 2,
  /** The command line itself is wrong. */
  USAGE: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError =>
  new CliError(ExitCode.USAGE, `${message} Run \`docket --help\` for usage.`);
