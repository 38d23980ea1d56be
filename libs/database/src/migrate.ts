import { Client } from 'pg';
import { createDataSource, DatabaseOptions } from './data-source';

/**
 * The one-shot migrate step: creates the database (when the server lets us) and the schema if missing,
 * then runs pending migrations. Safe to run concurrently: TypeORM takes no lock, so we take an advisory lock.
 */
export async function runMigrations(options: DatabaseOptions): Promise<string[]> {
  await ensureDatabase(options.url);
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const dataSource = createDataSource({ ...options, poolSize: 2 });
    await dataSource.initialize();
    try {
      const done = await dataSource.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await client.end();
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: database does not exist
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // already exists (a concurrent migrate)
  } finally {
    await client.end();
  }
}
