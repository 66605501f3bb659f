import { StoreError } from '@docket/core';
import type Database from 'better-sqlite3';
import { migrations, migrationsTableSql } from './schema.js';
import type { Tables } from './tables.js';

/**
 * Brings the namespace's schema to the latest version. Safe when several
 * processes run it at once: each migration runs in its own IMMEDIATE
 * transaction (one writer at a time, waiting up to the busy timeout) that
 * re-reads the version first, so a step applied by another process is
 * skipped rather than applied twice.
 */
export function migrate(db: Database.Database, t: Tables): number {
  db.exec(migrationsTableSql(t));
  const steps = migrations(t);
  const latest = steps[steps.length - 1]!.version;
  const current = db.prepare<[], { v: number }>(`SELECT COALESCE(MAX(version), 0) AS v FROM ${t.migrations}`);
  const record = db.prepare(`INSERT INTO ${t.migrations} (version, name, applied_at) VALUES (?, ?, ?)`);
  const found = current.get()!.v;
  if (found > latest) {
    throw new StoreError(
      'setup',
      new Error(
        `the tables with prefix "${t.prefix}" are at schema version ${found}, newer than this @docket/store-sqlite knows (${latest}); upgrade the package`,
      ),
    );
  }
  for (const step of steps) {
    db.transaction(() => {
      if (current.get()!.v >= step.version) return;
      db.exec(step.sql);
      record.run(step.version, step.name, Date.now());
    }).immediate();
  }
  return latest;
}
