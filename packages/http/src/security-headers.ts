import type { ServerResponse } from 'node:http';

/** Headers on every response. */
const COMMON: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The dashboard's policy: only its own bundled files, no inline script, no
 * framing. Payloads shown in the page therefore cannot run script even if a
 * rendering bug treated one as HTML.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** An API response is data: never cached, never a document. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function setCommonHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(COMMON)) res.setHeader(name, value);
}

export function setApiHeaders(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', API_CSP);
}
