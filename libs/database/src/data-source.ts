import { DataSource, DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DatabaseOptions {
  url: string;
  schema: string;
  poolSize?: number;
  logging?: boolean;
  /** Server-side `statement_timeout` of every query on the pool (0 or unset: none). */
  statementTimeoutMs?: number;
}

/** TypeORM options shared by the apps, the migrate step and the tests. Never `synchronize`. */
export function buildDataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    logging: options.logging ?? false,
    extra: {
      max: options.poolSize ?? 10,
      options: `-c search_path=${options.schema}`,
      // A new connection while the server is unreachable fails within this, instead of waiting on TCP.
      connectionTimeoutMillis: 10_000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(buildDataSourceOptions(options));
}
