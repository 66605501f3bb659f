/** Where the CLI writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Stops a long-running command (`dashboard`); the bin wires it to SIGINT/SIGTERM. */
  signal?: AbortSignal;
}
