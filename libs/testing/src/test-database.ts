import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@app/database';

export interface TestDatabase {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** The database tests use; CI and developers have PostgreSQL with trust auth and a `test` database. */
export const testDatabaseUrl = (): string => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A throwaway schema with every migration applied; `drop()` removes it. */
export async function createTestDatabase(label = 'fc'): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  const schema = `t_${label.replace(/[^a-z0-9_]/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await runMigrations({ url, schema });
  return {
    url,
    schema,
    async drop() {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A plain pg client on the test schema, for assertions on raw rows. */
export async function connectToSchema(db: Pick<TestDatabase, 'url' | 'schema'>): Promise<Client> {
  const client = new Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
  await client.connect();
  return client;
}
