#!/usr/bin/env node
import { main } from './main.js';

const controller = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C while stopping leaves at once.
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// A store driver may keep sockets open for a moment after close; the command is done.
setTimeout(() => process.exit(code), 200).unref();
