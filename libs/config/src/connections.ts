import type { CommonConfig } from './env.schema';

export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
}

/** REDIS_URL -> the option object both BullMQ (ioredis) and the Nest Redis transport take. */
export function redisConnection(config: Pick<CommonConfig, 'REDIS_URL'>): RedisConnection {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Database options for DatabaseModule / runMigrations. */
export function databaseOptions(
  config: Pick<CommonConfig, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE'>,
): {
  url: string;
  schema: string;
  poolSize: number;
} {
  return { url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: config.DATABASE_POOL_SIZE };
}

/** Object-store options; an empty S3_ENDPOINT means the embedded store on EMBEDDED_S3_PORT. */
export function storageOptions(
  config: Pick<CommonConfig, 'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION' | 'EMBEDDED_S3_PORT'>,
): { endpoint: string; accessKey: string; secretKey: string; region: string } {
  return {
    endpoint: config.S3_ENDPOINT || `http://127.0.0.1:${config.EMBEDDED_S3_PORT}`,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    region: config.S3_REGION,
  };
}

/** The buckets URIs may name: S3_ALLOWED_BUCKETS, or only S3_DEFAULT_BUCKET when that is empty. */
export function allowedBuckets(config: Pick<CommonConfig, 'S3_ALLOWED_BUCKETS' | 'S3_DEFAULT_BUCKET'>): string[] {
  return config.S3_ALLOWED_BUCKETS.length > 0 ? config.S3_ALLOWED_BUCKETS : [config.S3_DEFAULT_BUCKET];
}
