import { silentLogger } from '@docket/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { newJob } from './fixtures.js';
import { dropSchema, freshSchema, PG_AVAILABLE, PG_URL } from './pg-env.js';

const T0 = Date.UTC(2030, 0, 1);

// Schema version 4 has no index ordering every job by seq: a listing without a queue
// filter merges the queues' (queue, seq) ranges. These pin the merge's order and paging.
describe.runIf(PG_AVAILABLE)('PostgresStore listJobs without a queue filter (merge over queues)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function store(): Promise<{ s: PostgresStore; schema: string }> {
    const schema = freshSchema('dk_merge');
    cleanup.push(() => dropSchema(schema));
    const s = new PostgresStore({ connectionString: PG_URL }, { schema, poolSize: 2, logger: silentLogger });
    cleanup.push(() => s.close());
    await s.setup();
    return { s, schema };
  }

  async function pages(
    s: PostgresStore,
    order: 'asc' | 'desc',
    filter: { task?: string; state?: 'ready' } = {},
  ) {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await s.listJobs({ now: T0, limit: 3, order, cursor, ...filter });
      ids.push(...page.jobs.map((j) => j.id));
      if (page.nextCursor === null) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('listing did not end');
  }

  it('pages through jobs of many queues in enqueue order, both directions, with filters', async () => {
    const { s, schema } = await store();
    // Enqueue order interleaves the queues unevenly, one job at a time and in batches,
    // with ids whose lexical order is not the enqueue order.
    const queues = ['b', 'a', 'c', 'a', 'a', 'd', 'b', 'c', 'a', 'b', 'd', 'd', 'a'];
    const order: string[] = [];
    for (let i = 0; i < queues.length; i++) {
      const id = `j${(97 - i * 7).toString().padStart(3, '0')}`;
      order.push(id);
      await s.enqueue({
        now: T0,
        jobs: [newJob(id, T0, { queue: queues[i]!, task: i % 3 === 0 ? 'x' : 'y' })],
      });
    }
    const batch = ['z2', 'z1', 'z3'].map((id, i) =>
      newJob(id, T0, { queue: ['c', 'a', 'b'][i]!, task: 'y' }),
    );
    await s.enqueue({ now: T0, jobs: batch });
    order.push('z2', 'z1', 'z3');

    expect(await pages(s, 'asc')).toEqual(order);
    expect(await pages(s, 'desc')).toEqual([...order].reverse());
    const xs = order.filter((_, i) => i < queues.length && i % 3 === 0);
    expect(await pages(s, 'desc', { task: 'x' })).toEqual([...xs].reverse());
    expect(await pages(s, 'asc', { state: 'ready' })).toEqual(order);

    // The schema has no seq index (migration 4) and the merge still pages correctly.
    const client = new pg.Client(PG_URL);
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [schema]);
      expect(rows.map((r) => r.indexname)).not.toContain('jobs_seq_idx');
    } finally {
      await client.end();
    }
  });

  it('returns an empty last page on an empty table and one queue alone like a queue filter', async () => {
    const { s } = await store();
    expect(await s.listJobs({ now: T0, limit: 5 })).toEqual({ jobs: [], nextCursor: null });
    await s.enqueue({ now: T0, jobs: [newJob('only', T0, { queue: 'q' })] });
    const all = await s.listJobs({ now: T0, limit: 5 });
    const byQueue = await s.listJobs({ now: T0, limit: 5, queue: 'q' });
    expect(all).toEqual(byQueue);
    expect(all.jobs.map((j) => j.id)).toEqual(['only']);
  });
});
