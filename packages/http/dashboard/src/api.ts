import type {
  ErrorJson,
  JobJson,
  JobPageJson,
  ListJobsQuery,
  OverviewJson,
  QueueJson,
  ScheduleJson,
} from '../../src/api-types.js';

export type { JobJson, JobPageJson, ListJobsQuery, OverviewJson, QueueJson, ScheduleJson };

/** `/api/overview`; `readOnly` and `countedAt` may be missing from an older server. */
export type Overview = Omit<OverviewJson, 'readOnly' | 'countedAt'> & {
  readOnly?: boolean;
  countedAt?: string;
};

/** An error answer of the API (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'docket.token';

/** The API sits next to the page: `<mount>/api`, whatever the mount path. */
const apiBase = `${location.pathname.replace(/index\.html$/, '').replace(/\/+$/, '')}/api`;

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token lives as long as this page.
  }
  memoryToken = token;
}

let memoryToken: string | null = getToken();

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();

/** Hears every 401 and 403, so the app can ask for a token or go read-only. */
export function onAuthError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = memoryToken;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiBase + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `The server cannot be reached (${(error as Error).message}).`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below from the status.
  }
  if (!response.ok) {
    const detail = (data as ErrorJson | null)?.error;
    const error = new ApiError(
      response.status,
      detail?.code ?? `HTTP_${response.status}`,
      detail?.message ?? `${response.status} ${response.statusText}`,
    );
    if (response.status === 401 || response.status === 403) for (const listener of listeners) listener(error);
    throw error;
  }
  return data as T;
}

const seg = encodeURIComponent;

function query(params: ListJobsQuery): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One function per route the dashboard uses. */
export const api = {
  overview: () => request<Overview>('GET', '/overview'),
  jobs: (params: ListJobsQuery) => request<JobPageJson>('GET', `/jobs${query(params)}`),
  job: (id: string) => request<JobJson>('GET', `/jobs/${seg(id)}`),
  retry: (id: string) => request<JobJson>('POST', `/jobs/${seg(id)}/retry`, {}),
  cancel: (id: string) =>
    request<JobJson>('POST', `/jobs/${seg(id)}/cancel`, { reason: 'cancelled from the dashboard' }),
  release: (id: string) => request<JobJson>('POST', `/jobs/${seg(id)}/release`, {}),
  remove: (id: string) => request<void>('DELETE', `/jobs/${seg(id)}`),
  pauseQueue: (name: string) => request<unknown>('POST', `/queues/${seg(name)}/pause`, {}),
  resumeQueue: (name: string) => request<unknown>('POST', `/queues/${seg(name)}/resume`, {}),
  schedules: () => request<{ schedules: ScheduleJson[] }>('GET', '/schedules'),
  pauseSchedule: (name: string) => request<ScheduleJson>('POST', `/schedules/${seg(name)}/pause`, {}),
  resumeSchedule: (name: string) => request<ScheduleJson>('POST', `/schedules/${seg(name)}/resume`, {}),
  removeSchedule: (name: string) => request<void>('DELETE', `/schedules/${seg(name)}`),
};
