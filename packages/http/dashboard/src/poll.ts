import { useEffect, useRef, useState } from 'preact/hooks';

/** Refresh period: 2 s, or `?refresh=<ms>` in the page URL (at least 250). */
export const POLL_MS = (() => {
  const asked = Number(new URLSearchParams(location.search).get('refresh'));
  return Number.isFinite(asked) && asked >= 250 ? asked : 2000;
})();

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** Fetch again now (after an action). */
  refresh: () => void;
}

/**
 * Fetches now and every `POLL_MS` while the tab is visible; a hidden tab
 * sends nothing. `key` identifies the query: when it changes, the previous
 * answer is dropped instead of being shown for the new one.
 */
export function usePoll<T>(fetcher: () => Promise<T>, key: string, enabled = true): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [nonce, setNonce] = useState(0);
  const lastKey = useRef(key);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
      setError(undefined);
    }
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const tick = async () => {
      timer = undefined;
      if (stopped || inFlight || document.hidden) return;
      inFlight = true;
      try {
        const value = await fetcherRef.current();
        if (!stopped) {
          setData(value);
          setError(undefined);
        }
      } catch (caught) {
        if (!stopped) setError(caught as Error);
      } finally {
        inFlight = false;
        if (!stopped && !document.hidden) timer = setTimeout(tick, POLL_MS);
      }
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined && !inFlight) void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [key, nonce, enabled]);

  return { data, error, refresh: () => setNonce((n) => n + 1) };
}
