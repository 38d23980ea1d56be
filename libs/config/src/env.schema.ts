import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const unitInterval = z.coerce.number().min(0).max(1);

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
  /** Buckets URIs may name (comma-separated); empty means only S3_DEFAULT_BUCKET. */
  S3_ALLOWED_BUCKETS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'bucket names only'))),
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
  /** Largest request head (URL and headers): RPC clients send every parameter, 100 file URIs too, in the URL. */
  MAX_HEADER_BYTES: z.coerce.number().int().min(16_384).max(16_777_216).default(262_144),
  /** Longest a single SQL statement of an API request may run; the request then fails with 503. */
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(5_000),
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Turns on Alibaba Cloud signed requests (AccessKeys): the key (32 bytes, 64 hex digits or base64) that encrypts
   * the AccessKey secrets in the database.
   */
  ACCESS_KEY_ENCRYPTION_KEY: z
    .string()
    .refine(
      (v) => /^[0-9a-fA-F]{64}$/.test(v) || (/^[A-Za-z0-9+/]{43}=?$/.test(v) && Buffer.from(v, 'base64').length === 32),
      'must be 32 bytes as 64 hex digits or base64',
    )
    .optional(),
  /** GET /metrics without a credential even when authentication is on (for scrapers that cannot send one). */
  METRICS_PUBLIC: bool.default(false),
  PUBLIC_BASE_URL: z.string().default(''),
  /** bull-board at /admin/queues may retry, promote, clean and remove jobs (read-only by default). */
  QUEUE_BOARD_WRITABLE: bool.default(false),
  /** Task notifications: plain http endpoints are refused unless this is set. */
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  /**
   * Networks (CIDRs, comma-separated) a webhook may reach although they are loopback, private, link-local and so
   * on; empty: public unicast addresses only.
   */
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]))),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  /** Bytes of a webhook's response that are read at most (the rest is discarded). */
  WEBHOOK_MAX_RESPONSE_BYTES: positiveInt.default(64 * 1024),
  /** HMAC key of NextTokens; unset, a random key per process (tokens then die with the process). */
  NEXT_TOKEN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default(() => randomBytes(32).toString('base64url')),
  /** How long DetectImageFaces / CompareImageFaces / SearchImageFigureCluster wait for the indexer's answer. */
  FACE_QUERY_TIMEOUT_MS: positiveInt.default(30_000),
  /** How often the gateway looks for due stranger / known-person deliveries. */
  FACE_EVENT_POLL_MS: positiveInt.default(250),
  /** Delivery attempts of one event before it is marked failed (backoff 1 s, 2 s, 4 s ... capped at 5 min). */
  FACE_EVENT_MAX_ATTEMPTS: positiveInt.default(10),
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
  /** Images whose header declares more decoded bytes (width x height x bytes per pixel) are refused undecoded. */
  IMAGE_MAX_DECODE_BYTES: positiveInt.default(300_000_000),
  /** Longest one image decode may take before the file fails with InvalidImage.Timeout. */
  IMAGE_DECODE_TIMEOUT_SECONDS: positiveInt.default(20),
  /** Jobs of the face-query queue (detect, compare, search, faces-searching tasks) run at once. */
  FACE_QUERY_CONCURRENCY: positiveInt.default(2),
  /**
   * Similarity (0..1, see libs/contracts face-similarity.ts) from which a face matches a cluster: the bar of
   * SearchImageFigureCluster and of the Stranger / KnownPerson decision. 0.5 = the clustering's join bar.
   */
  FACE_MATCH_SIMILARITY: unitInterval.default(0.5),
  /** Similarity from which a new stranger is the same as a recent one (one alert per stranger per window). */
  STRANGER_SAME_SIMILARITY: unitInterval.default(0.5),
  /** Window of a subscription that sets none, in seconds. */
  STRANGER_WINDOW_SECONDS: positiveInt.default(600),
  /**
   * Face attributes to compute. Pose is always computed (IMM's HD rule needs it); dropping `emotion` saves
   * about 33 ms of CPU per face, the most expensive stage.
   */
  /** How often the reconciler compares PostgreSQL's pending work with the queues (0: never). */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** Work untouched for this long and without a live job is re-enqueued, or its task failed. */
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
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
