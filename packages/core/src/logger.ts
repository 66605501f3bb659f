/**
 * A pino-shaped logger: structured fields first, message second. `console`
 * fits too (it prints both), and so does a pino or winston child.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Logs nothing. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Logs warnings and errors to the console; the default. */
export const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn(fields, message) {
    console.warn(`[docket] ${message}`, fields);
  },
  error(fields, message) {
    console.error(`[docket] ${message}`, fields);
  },
};
