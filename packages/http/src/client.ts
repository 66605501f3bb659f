import type {
  EnqueueBody,
  EnqueueResultJson,
  JobJson,
  JobPageJson,
  ListJobsQuery,
  OverviewJson,
  QueueJson,
  ScheduleJson,
} from './api-types.js';
import { HttpApiError } from './http-api-error.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the handler is mounted, e.g. `http://localhost:3000/docket` (the API is under its `/api`). */
  baseUrl: string;
  /** The bearer token; omit for a server started with `auth: { none: true }`. */
  token?: string;
  /** A `fetch` implementation. Default: the global one (Node ≥ 18). */
  fetch?: typeof fetch;
}

/** The typed client of the docket API: one method per route. Errors throw {@link HttpApiError}. */
export interface DocketClient {
  overview(): Promise<OverviewJson>;
  listQueues(): Promise<QueueJson[]>;
  pauseQueue(queue: string): Promise<{ name: string; paused: true }>;
  resumeQueue(queue: string): Promise<{ name: string; paused: false }>;
  listJobs(query?: ListJobsQuery): Promise<JobPageJson>;
  getJob(id: string): Promise<JobJson>;
  enqueue(body: EnqueueBody): Promise<EnqueueResultJson>;
  retryJob(id: string): Promise<JobJson>;
  cancelJob(id: string, reason?: string): Promise<JobJson>;
  releaseJob(id: string): Promise<JobJson>;
  removeJob(id: string): Promise<void>;
  listSchedules(): Promise<ScheduleJson[]>;
  pauseSchedule(name: string): Promise<ScheduleJson>;
  resumeSchedule(name: string): Promise<ScheduleJson>;
  removeSchedule(name: string): Promise<void>;
  openApiDocument(): Promise<Record<string, unknown>>;
}

const segment = (value: string): string => encodeURIComponent(value);

/**
 * Creates a typed client of a docket API server.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://localhost:3000', token: process.env.DOCKET_TOKEN });
 * const { jobs } = await client.listJobs({ state: 'failed', limit: 20 });
 */
export function createClient(options: ClientOptions): DocketClient {
  if (typeof options?.baseUrl !== 'string' || !/^https?:\/\//i.test(options.baseUrl)) {
    throw new TypeError('createClient: baseUrl must be an http(s) URL.');
  }
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await doFetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new HttpApiError(
        response.status,
        typeof error?.code === 'string' ? error.code : 'HTTP_ERROR',
        typeof error?.message === 'string' ? error.message : `HTTP ${response.status} from ${method} ${path}`,
      );
    }
    return parsed as T;
  }

  return {
    overview: () => call('GET', '/api/overview'),
    listQueues: async () => (await call<{ queues: QueueJson[] }>('GET', '/api/queues')).queues,
    pauseQueue: (queue) => call('POST', `/api/queues/${segment(queue)}/pause`),
    resumeQueue: (queue) => call('POST', `/api/queues/${segment(queue)}/resume`),
    listJobs: (query = {}) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) params.set(key, String(value));
      const search = params.toString();
      return call('GET', `/api/jobs${search ? `?${search}` : ''}`);
    },
    getJob: (id) => call('GET', `/api/jobs/${segment(id)}`),
    enqueue: (body) => call('POST', '/api/jobs', body),
    retryJob: (id) => call('POST', `/api/jobs/${segment(id)}/retry`),
    cancelJob: (id, reason) =>
      call('POST', `/api/jobs/${segment(id)}/cancel`, reason === undefined ? undefined : { reason }),
    releaseJob: (id) => call('POST', `/api/jobs/${segment(id)}/release`),
    removeJob: (id) => call('DELETE', `/api/jobs/${segment(id)}`),
    listSchedules: async () => (await call<{ schedules: ScheduleJson[] }>('GET', '/api/schedules')).schedules,
    pauseSchedule: (name) => call('POST', `/api/schedules/${segment(name)}/pause`),
    resumeSchedule: (name) => call('POST', `/api/schedules/${segment(name)}/resume`),
    removeSchedule: (name) => call('DELETE', `/api/schedules/${segment(name)}`),
    openApiDocument: () => call('GET', '/api/openapi.json'),
  };
}
