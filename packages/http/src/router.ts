import type { Docket } from '@docket/core';
import type { CountsCache } from './counts-cache.js';
import { badRequest } from './http-error.js';

export type Method = 'GET' | 'POST' | 'DELETE';

/** What a route handler receives. */
export interface RouteContext {
  docket: Docket;
  /** Decoded path parameters, by the names in the route's path. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Reads and parses the JSON body (`undefined` when empty). */
  body(): Promise<unknown>;
  counts: CountsCache;
  readOnly: boolean;
}

/** A route's answer: a status and a JSON body (none for 204). */
export interface RouteResult {
  status: number;
  body?: unknown;
}

/** One API route. `path` uses the OpenAPI spelling (`/api/jobs/{id}`), so the document can be checked against the table. */
export interface Route {
  method: Method;
  path: string;
  operationId: string;
  /** Refused in read-only mode. */
  mutating: boolean;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

/** A path matched to its route, or the methods the path allows. */
export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: Method[] }
  | { kind: 'none' };

interface Compiled {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
}

function compile(route: Route): Compiled {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      return param ? { param } : { literal: segment };
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Malformed percent-encoding in the path segment "${segment}".`);
  }
}

/** Matches method and path against a fixed route table. */
export class Router {
  readonly #compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.#compiled = routes.map(compile);
  }

  /** @throws HttpError 400 for a malformed path parameter. */
  match(method: string, path: string): Match {
    const parts = path.split('/').slice(1);
    const allowed: Method[] = [];
    for (const { route, segments } of this.#compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const segment = segments[i]!;
        const part = parts[i]!;
        if ('literal' in segment) ok = segment.literal === part;
        else if (part === '') ok = false;
        else params[segment.param] = part;
      }
      if (!ok) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      for (const [name, raw] of Object.entries(params)) params[name] = decode(raw);
      return { kind: 'route', route, params };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
  }
}
