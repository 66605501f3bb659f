import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DashboardAssets, loadBuiltDashboard, NOT_BUILT_PAGE } from './dashboard-assets.js';
import { DASHBOARD_CSP } from './security-headers.js';

/**
 * Serves the dashboard's static files from memory. Paths without an
 * extension fall back to `index.html`, so the dashboard may route on the
 * client side; a missing build serves a short "not built" page.
 */
export class DashboardServer {
  #assets: Promise<DashboardAssets> | undefined;

  constructor(private readonly load: () => Promise<DashboardAssets> = loadBuiltDashboard) {}

  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Method not allowed.\n');
      return;
    }
    this.#assets ??= this.load();
    const assets = await this.#assets;
    const wanted = path === '/' ? '/index.html' : path;
    const isPage = wanted === '/index.html' || !/\.[A-Za-z0-9]+$/.test(wanted);
    let asset = assets.get(wanted) ?? (isPage ? assets.get('/index.html') : undefined);
    if (!asset && isPage && assets.size === 0)
      asset = { type: 'text/html; charset=utf-8', body: NOT_BUILT_PAGE };
    if (!asset) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Not found.\n');
      return;
    }
    const body = typeof asset.body === 'string' ? Buffer.from(asset.body, 'utf8') : asset.body;
    res.statusCode = 200;
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
