import { createDataSource } from '@app/database';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestDataSource {
  dataSource: DataSource;
  database: TestDatabase;
  /** Closes the pool and drops the schema. */
  close(): Promise<void>;
}

/** A TypeORM DataSource on a throwaway, fully migrated schema (repository tests against real Postgres). */
export async function createTestDataSource(label = 'ds'): Promise<TestDataSource> {
  const database = await createTestDatabase(label);
  const dataSource = createDataSource({ url: database.url, schema: database.schema, poolSize: 4 });
  try {
    await dataSource.initialize();
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    dataSource,
    database,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
