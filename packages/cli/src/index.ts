export { CliError, ExitCode } from './cli-error.js';
export type { Command, CommandContext } from './command.js';
export { placeholderTask } from './commands/enqueue.js';
export { COMMANDS } from './commands/index.js';
export type { CliIo } from './io.js';
export { main } from './main.js';
