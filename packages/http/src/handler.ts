import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Docket } from '@docket/core';
import { BearerAuth } from './bearer-auth.js';
import { CountsCache } from './counts-cache.js';
import { DashboardServer } from './dashboard-server.js';
import { toErrorResponse } from './error-response.js';
import { type HandlerOptions, resolveHandlerOptions } from './handler-options.js';
import { HttpError } from './http-error.js';
import { readJsonBody } from './request-body.js';
import { Router } from './router.js';
import { ROUTES } from './routes.js';
import { setApiHeaders, setCommonHeaders } from './security-headers.js';

/**
 * A Node request handler. With `next` (Express, Connect), a request outside
 * `basePath` is passed on; without it, it gets a 404.
 */
export type DocketHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (status === 204 || body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Creates the handler of the docket REST API (under `/api`), its OpenAPI
 * document (`/api/openapi.json`) and the web dashboard (at `/`), all under
 * `options.basePath`. It goes through the public `Docket` API only, so it
 * serves every store the same way.
 *
 * @throws InvalidOptionError when `options.auth` is missing (there is no
 *   default: pass `{ token }`, or `{ none: true }` for local use) or any
 *   option is invalid.
 */
export function createHandler(docket: Docket, options: HandlerOptions): DocketHandler {
  const resolved = resolveHandlerOptions(options);
  const auth = resolved.token === null ? null : new BearerAuth(resolved.token);
  const router = new Router(ROUTES);
  const counts = new CountsCache(docket, resolved.countsCacheMs);
  const dashboard = resolved.dashboard ? new DashboardServer(resolved.dashboardAssets) : null;
  const { basePath, readOnly, maxBodyBytes } = resolved;

  async function serveApi(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    setApiHeaders(res);
    try {
      auth?.check(req);
      const method = req.method ?? 'GET';
      const match = router.match(method, path);
      if (match.kind === 'none') throw new HttpError(404, 'NOT_FOUND', `No API route ${method} ${path}.`);
      if (match.kind === 'method-not-allowed') {
        throw new HttpError(
          405,
          'METHOD_NOT_ALLOWED',
          `${method} is not allowed on ${path}; use ${match.allowed.join(', ')}.`,
          {
            Allow: match.allowed.join(', '),
          },
        );
      }
      if (readOnly && match.route.mutating) {
        throw new HttpError(403, 'FORBIDDEN', 'This docket API is read-only.');
      }
      let body: Promise<unknown> | undefined;
      const result = await match.route.handle({
        docket,
        params: match.params,
        query: url.searchParams,
        body: () => {
          body ??= readJsonBody(req, maxBodyBytes);
          return body;
        },
        counts,
        readOnly,
      });
      sendJson(res, result.status, result.body);
    } catch (error) {
      const response = toErrorResponse(error);
      if (response.status >= 500) docket.logger.error({ err: error, path }, 'docket http: request failed');
      if (response.status === 413) res.setHeader('Connection', 'close');
      sendJson(
        res,
        response.status,
        { error: { code: response.code, message: response.message } },
        response.headers,
      );
    }
  }

  return (req, res, next) => {
    setCommonHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://docket.invalid');
    } catch {
      sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'Malformed request URL.' } });
      return;
    }
    const pathname = url.pathname;
    if (basePath !== '' && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
      if (next) next();
      else sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${pathname}.` } });
      return;
    }
    const path = pathname.slice(basePath.length) || '/';
    if (path === '/api' || path.startsWith('/api/')) {
      void serveApi(req, res, path, url);
      return;
    }
    if (!dashboard) {
      if (next) next();
      else sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${pathname}.` } });
      return;
    }
    if (basePath !== '' && pathname === basePath) {
      // The dashboard's URLs are relative to its root, which needs the slash.
      res.statusCode = 308;
      res.setHeader('Location', `${basePath}/${url.search}`);
      res.end();
      return;
    }
    dashboard.serve(req, res, path).catch((error: unknown) => {
      docket.logger.error({ err: error, path }, 'docket http: dashboard failed');
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Internal server error.' } });
      else res.destroy();
    });
  };
}
