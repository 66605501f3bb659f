/**
 * Whether the tests of a suite that needs a server can run. Under `CI=true`
 * an unreachable server fails the run with how to start it; elsewhere the
 * suite is skipped with a loud warning, so a laptop without Redis still runs
 * everything else.
 */
export async function serviceGate(params: {
  /** The server, e.g. `PostgreSQL`. */
  service: string;
  url: string;
  /** The suite that needs it, named in the warning. */
  suite: string;
  howToStart: string;
  reachable: () => Promise<boolean>;
}): Promise<boolean> {
  if (await params.reachable()) return true;
  const message = `${params.service} is not reachable at ${params.url}. ${params.howToStart}`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!!!!!!! SKIPPING ${params.suite} (${params.service}): ${message}\n`);
  return false;
}
