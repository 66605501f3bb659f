import { consoleLogger, type Logger, silentLogger } from '../logger.js';

/** Safe loggers whose `debug` is known to drop every line (the silent and console defaults). */
const debugDropped = new WeakSet<Logger>();

/**
 * The logger as the worker uses it: a line that cannot be written is dropped.
 * A broken user logger must not fail jobs or stop the worker's loops.
 */
export function safeLogger(logger: Logger): Logger {
  const guard =
    (level: keyof Logger) =>
    (fields: object, message: string): void => {
      try {
        logger[level](fields, message);
      } catch {
        // Nowhere left to report it.
      }
    };
  const safe = { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
  if (logger.debug === silentLogger.debug || logger.debug === consoleLogger.debug) debugDropped.add(safe);
  return safe;
}

/**
 * False when `logger.debug` is known to drop its line, so the caller can skip
 * building the fields (a per-job cost on the hot path). True for any other logger.
 */
export function logsDebug(logger: Logger): boolean {
  return !debugDropped.has(logger);
}
