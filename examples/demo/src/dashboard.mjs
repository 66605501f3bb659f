// Serves @docket/http (the REST API and the web dashboard) next to the demo,
// on DEMO_PORT (default 4480, or any free port when that one is taken), with
// a fresh random token: the dashboard asks for it once per tab.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createHandler } from '@docket/http';

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/** Starts the dashboard server; returns its URL, token and a close function. */
export async function startDashboard(docket) {
  const token = randomBytes(12).toString('base64url');
  const server = createServer(createHandler(docket, { auth: { token }, countsCacheMs: 1_000 }));
  const wanted = Number(process.env.DEMO_PORT ?? 4480);
  let port;
  try {
    port = await listen(server, wanted);
  } catch (error) {
    if (error?.code !== 'EADDRINUSE') throw error;
    port = await listen(server, 0);
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
