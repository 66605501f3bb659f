// With BENCH_CPU_PROFILE=<file.cpuprofile>, CPU-profiles only the timed section of a
// scenario (not setup or filling the queue). Without it, both calls do nothing.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';

const target = process.env.BENCH_CPU_PROFILE;
let session = null;

export async function beginMeasured() {
  if (!target) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}

export async function endMeasured() {
  if (!session) return;
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(target, JSON.stringify(profile));
  session.disconnect();
  session = null;
}
