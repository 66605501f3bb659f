import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHandler, type HandlerOptions } from '@docket/http';
import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseInteger } from '../duration.js';

/** The port `docket dashboard` listens on by default. */
export const DEFAULT_PORT = 4480;

export const dashboard: Command = {
  name: 'dashboard',
  usage: 'dashboard [--port <n>] [--host <addr>] [--token <t> | --no-auth] [--read-only]',
  summary: 'Serve the web dashboard and the REST API until interrupted.',
  options: ['port', 'host', 'token', 'no-auth', 'read-only'],
  args: { min: 0, max: 0 },
  async run(ctx) {
    const values = ctx.values;
    const port = values.port === undefined ? DEFAULT_PORT : parseInteger('port', values.port as string, 0);
    if (port > 65_535) throw usageError('--port must be at most 65535.');
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    if (values['no-auth'] && values.token !== undefined)
      throw usageError('Pass either --token or --no-auth, not both.');
    const token = values['no-auth']
      ? null
      : ((values.token as string | undefined) ??
        ctx.io.env.DOCKET_TOKEN ??
        randomBytes(18).toString('base64url'));
    const auth: HandlerOptions['auth'] = token === null ? { none: true } : { token };

    ctx.progress('Connecting to the store…');
    const docket = await ctx.open();
    const server = createServer(createHandler(docket, { auth, readOnly: values['read-only'] === true }));
    try {
      ctx.progress(`Starting the dashboard on ${host}:${port}…`);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(
          ExitCode.FAILED,
          `Cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
        );
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}/`;
      if (ctx.json) ctx.print(JSON.stringify({ url, token, readOnly: values['read-only'] === true }));
      else {
        ctx.print(`Dashboard: ${url}`);
        ctx.print(
          token === null
            ? 'Authentication: none (--no-auth): anyone who can reach this port can act on jobs.'
            : `Token:     ${token}`,
        );
        ctx.print('Press Ctrl-C to stop.');
      }
      await new Promise<void>((resolve) => {
        const signal = ctx.io.signal;
        if (!signal) return;
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.progress('Stopping the dashboard…');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await docket.close();
    }
  },
};
