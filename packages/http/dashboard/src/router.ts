import { useEffect, useState } from 'preact/hooks';

/** Where the hash points: `#/`, `#/jobs?state=failed`, `#/jobs/<id>`, `#/schedules`. */
export type Route =
  | { page: 'overview' }
  | { page: 'jobs'; params: URLSearchParams }
  | { page: 'job'; id: string }
  | { page: 'schedules' };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts.length === 2) return { page: 'job', id: decodeURIComponent(parts[1]!) };
  if (parts[0] === 'jobs') return { page: 'jobs', params: new URLSearchParams(search) };
  if (parts[0] === 'schedules') return { page: 'schedules' };
  return { page: 'overview' };
}

/** The hash of the jobs list with these filters (empty ones left out). */
export function jobsHref(filters: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `#/jobs?${text}` : '#/jobs';
}

export const jobHref = (id: string): string => `#/jobs/${encodeURIComponent(id)}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
