import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** Settings every app shares: the metadata store, the queue broker, the object store, logging. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/facecluster'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('public'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
    .default('facecluster'),
  S3_ENDPOINT: z.string().default(''),
  S3_ACCESS_KEY: z.string().default('S3RVER'),
  S3_SECRET_KEY: z.string().default('S3RVER'),
  S3_REGION: z.string().default('us-east-1'),
  S3_DEFAULT_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
    .default('facecluster'),
  EMBEDDED_S3_PORT: port.default(9000),
  EMBEDDED_S3_DIR: z.string().default('.data/s3'),
  TASK_TTL_DAYS: positiveInt.default(7),
  CLUSTER_DEBOUNCE_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * While files keep being indexed, a dataset is clustered at least this often (the debounce alone would wait
   * for the stream to stop). 0: no maximum; a value below CLUSTER_DEBOUNCE_MS counts as CLUSTER_DEBOUNCE_MS.
   */
  CLUSTER_MAX_WAIT_MS: z.coerce.number().int().min(0).default(60_000),
});

export const gatewayEnvSchema = commonEnvSchema.extend({
  GATEWAY_PORT: port.default(3000),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLIC_BASE_URL: z.string().default(''),
  /** How often the gateway relays pending webhook events from the outbox to the notify queue. */
  OUTBOX_POLL_MS: positiveInt.default(1000),
});

export const indexerEnvSchema = commonEnvSchema.extend({
  INDEXER_PORT: port.default(3001),
  INDEXER_CONCURRENCY: positiveInt.default(2),
  /**
   * Worker threads running the face models (each loads its own sessions, ~280 MB with every attribute). onnxruntime-node runs a model
   * on the calling thread, so this, not INDEXER_CONCURRENCY, is how many cores inference uses; 0 runs it on the
   * main thread (blocking the event loop while a model runs).
   */
  INDEXER_INFERENCE_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  ORT_INTRA_OP_THREADS: positiveInt.default(1),
  ORT_INTER_OP_THREADS: positiveInt.default(1),
  ORT_ALLOW_SPINNING: bool.default(false),
  MAX_OBJECT_BYTES: positiveInt.default(200 * 1024 * 1024),
  /**
   * Face attributes to compute. Pose is always computed (IMM's HD rule needs it); dropping `emotion` saves
   * about 33 ms of CPU per face, the most expensive stage.
   */
  INDEXER_ATTRIBUTES: z
    .string()
    .default('age,gender,pose,emotion,eyes')
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['age', 'gender', 'pose', 'emotion', 'eyes'])))
    .transform((list) => [...new Set([...list, 'pose' as const])]),
});

export const clustererEnvSchema = commonEnvSchema.extend({
  CLUSTERER_PORT: port.default(3002),
  CLUSTERER_CONCURRENCY: positiveInt.default(2),
});

/**
 * `npm start` (and `npm run demo`, which runs it): what to start on this machine when no service answers.
 * DATABASE_URL has no default here: unset means "PostgreSQL on 127.0.0.1:EMBEDDED_POSTGRES_PORT, or the
 * embedded one started there when nothing answers".
 */
export const launcherEnvSchema = z.object({
  DATABASE_URL: commonEnvSchema.shape.DATABASE_URL.unwrap().optional(),
  REDIS_URL: commonEnvSchema.shape.REDIS_URL,
  EMBEDDED_POSTGRES_PORT: port.default(5432),
  EMBEDDED_POSTGRES_DIR: z.string().default('.data/postgres'),
  EMBEDDED_REDIS_DIR: z.string().default('.data/redis'),
  /** `pretty` (colourised one-liners) or `json` (pino's lines as they are); default: pretty on a terminal. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

export type CommonConfig = z.infer<typeof commonEnvSchema>;
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
export type IndexerConfig = z.infer<typeof indexerEnvSchema>;
export type ClustererConfig = z.infer<typeof clustererEnvSchema>;
export type LauncherConfig = z.infer<typeof launcherEnvSchema>;
