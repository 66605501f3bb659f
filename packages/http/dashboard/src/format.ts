/** Server time minus local time, learnt from each overview, so "in 5s" is the server's view. */
let skewMs = 0;

export function learnServerTime(iso: string): void {
  const server = Date.parse(iso);
  if (Number.isFinite(server)) skewMs = server - Date.now();
}

export const serverNow = (): number => Date.now() + skewMs;

/** "12s ago", "in 3m", "2h ago"... */
export function relative(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return iso;
  const delta = at - serverNow();
  const abs = Math.abs(delta);
  let text: string;
  if (abs < 1000) return 'now';
  if (abs < 60_000) text = `${Math.round(abs / 1000)}s`;
  else if (abs < 3_600_000) text = `${Math.round(abs / 60_000)}m`;
  else if (abs < 86_400_000) text = `${Math.round(abs / 3_600_000)}h`;
  else text = `${Math.round(abs / 86_400_000)}d`;
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** Local date and time with seconds, for tooltips and detail fields. */
export function absolute(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} d`;
}

const numberFormat = new Intl.NumberFormat('en-US');
export const count = (n: number): string => numberFormat.format(n);

/** Up to two decimals for rates. */
export const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
