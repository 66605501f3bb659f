/**
 * Resolves once `predicate()` holds, polling every 5 ms; rejects with
 * `message` after `timeoutMs`. For events that arrive asynchronously
 * (notifications, workers draining), never for time semantics: those are
 * driven through `now`.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
