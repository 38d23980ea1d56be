/**
 * The full facecluster stack in one test process: a throwaway Postgres schema, a real S3 server (s3rver), a
 * unique BullMQ prefix on the local Redis, and the gateway, indexer and clusterer apps built exactly as their
 * main.ts builds them (same factories, same config loader). One stack per test file: the indexer loads the
 * ONNX models once.
 *
 *   const stack = await startStack({ label: 'workflow' });
 *   await stack.storage.put('photos', 'a.jpg', bytes, 'image/jpeg');
 *   const res = await stack.api('CreateProject', { ProjectName: 'p' });   // POST /api/v1/CreateProject
 *   await stack.waitForQueuesDrained();                                   // indexing + debounced clustering done
 *   await stack.stop();
 *
 * Suites that start the indexer (real ONNX models) must run in the shared-realm Jest environment: make the
 * file's FIRST line `/** @jest-environment ./test/support/shared-realm.environment.js *\/` (see that file).
 * Set `jest.setTimeout(120_000)` too: the project-level testTimeout in jest.config.js is not applied.
 *
 * Stable API for other suites (dashboard browser tests reuse it): add options and fields, do not rename them.
 */
import { clustererEnvSchema, gatewayEnvSchema, indexerEnvSchema, loadConfig, redisConnection } from '@app/config';
import { QueueName } from '@app/contracts';
import { createDataSource } from '@app/database';
import { EMBEDDED_S3_CREDENTIALS, EmbeddedS3Server, StorageOptions, StorageRepository } from '@app/storage';
import { connectToSchema, createTestDatabase, testQueuePrefix, TestDatabase, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ClusterRunHooks, createClustererApp } from '../../apps/clusterer/src/clusterer.app';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { createIndexerApp } from '../../apps/indexer/src/indexer.app';

export interface StackOptions {
  /** Names the database schema and the queue prefix (helps when reading Redis or Postgres). */
  label?: string;
  /** Buckets created on the S3 server. Default ['photos']. */
  buckets?: string[];
  /** CLUSTER_DEBOUNCE_MS for every app. Default 1500. */
  clusterDebounceMs?: number;
  /** Start the gateway (default true). */
  gateway?: boolean;
  /** Start the indexer (default true; false skips loading the ONNX models). */
  indexer?: boolean;
  /** Number of clusterer app instances (replicas) to start. Default 1. */
  clusterers?: number;
  /** Test seam passed to every clusterer, see apps/clusterer/src/cluster-run.hooks.ts. */
  clustererHooks?: ClusterRunHooks;
  /** Extra environment variables for every app's config (e.g. { API_KEY: '...' }, { INDEXER_CONCURRENCY: '2' }). */
  env?: Record<string, string>;
  /** LOG_LEVEL of the apps. Default 'error'. */
  logLevel?: string;
}

export interface StackS3 {
  options: StorageOptions;
  port: number;
  endpoint: string;
  /** Stops the S3 server (objects stay on disk): simulates an object-store outage. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same objects. */
  start(): Promise<void>;
}

export interface StackQueues {
  index: Queue;
  scan: Queue;
  cluster: Queue;
  notify: Queue;
}

export interface Stack {
  /** http://127.0.0.1:<port> of the gateway (empty when `gateway: false`). */
  gatewayUrl: string;
  /** http://127.0.0.1:<port> of the indexer's health/metrics HTTP (empty when `indexer: false`). */
  indexerUrl: string;
  /** Same for each clusterer replica. */
  clustererUrls: string[];
  /** supertest agent on the gateway. */
  http: ReturnType<typeof request>;
  /** POST /api/v1/<operation> with a JSON body; resolves with the supertest response (any status). */
  api(operation: string, body?: Record<string, unknown>): Promise<request.Response>;
  /** Reads and writes objects on the stack's S3 server. */
  storage: StorageRepository;
  s3: StackS3;
  /** pg client on the stack's schema, for assertions on raw rows (search_path is set). */
  db: Client;
  /** TypeORM on the stack's schema, for the entity factories of @app/testing and the repositories. */
  dataSource: DataSource;
  database: TestDatabase;
  queuePrefix: string;
  /** BullMQ Queue objects on the stack's prefix (for inspection and for adding jobs directly). */
  queues: StackQueues;
  apps: { gateway?: INestApplication; indexer?: INestApplication; clusterers: INestApplication[] };
  /** The validated env every app was configured with (before per-app schema defaults). */
  env: Record<string, string>;
  /** Waits until no queue has waiting, active, delayed or prioritised jobs (twice in a row). */
  waitForQueuesDrained(timeoutMs?: number): Promise<void>;
  /** Stops everything and removes the schema, the queues' Redis keys and the S3 folder. */
  stop(): Promise<void>;
}

const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const label = options.label ?? 'stack';
  const buckets = options.buckets ?? ['photos'];
  const database = await createTestDatabase(label);
  const directory = mkdtempSync(join(tmpdir(), 'fc-stack-s3-'));
  let s3Server = new EmbeddedS3Server({ port: 0, directory, buckets });
  const { endpoint, port } = await s3Server.start();
  const s3Options: StorageOptions = { endpoint, ...EMBEDDED_S3_CREDENTIALS, region: 'us-east-1' };
  let s3Running = true;
  const s3: StackS3 = {
    options: s3Options,
    port,
    endpoint,
    async stop() {
      if (!s3Running) return;
      await s3Server.stop();
      s3Running = false;
    },
    async start() {
      if (s3Running) return;
      s3Server = new EmbeddedS3Server({ port, directory, buckets });
      await s3Server.start();
      s3Running = true;
    },
  };

  const queuePrefix = testQueuePrefix(label.slice(0, 20));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: options.logLevel ?? 'error',
    DATABASE_URL: database.url,
    DATABASE_SCHEMA: database.schema,
    DATABASE_POOL_SIZE: '4',
    QUEUE_PREFIX: queuePrefix,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY: s3Options.accessKey,
    S3_SECRET_KEY: s3Options.secretKey,
    S3_REGION: s3Options.region,
    CLUSTER_DEBOUNCE_MS: String(options.clusterDebounceMs ?? 1500),
    ...(options.env ?? {}),
  };
  const connection = redisConnection(loadConfig(gatewayEnvSchema, env));
  const queues: StackQueues = {
    index: new Queue(QueueName.Index, { connection, prefix: queuePrefix }),
    scan: new Queue(QueueName.Scan, { connection, prefix: queuePrefix }),
    cluster: new Queue(QueueName.Cluster, { connection, prefix: queuePrefix }),
    notify: new Queue(QueueName.Notify, { connection, prefix: queuePrefix }),
  };

  const apps: Stack['apps'] = { clusterers: [] };
  let db: Client | undefined;
  const dataSource = createDataSource({ url: database.url, schema: database.schema, poolSize: 2 });
  const stop = async (): Promise<void> => {
    const closing = [apps.gateway, apps.indexer, ...apps.clusterers].filter((a): a is INestApplication => !!a);
    await Promise.all(closing.map((a) => a.close().catch(() => undefined)));
    for (const queue of Object.values(queues)) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
    }
    await db?.end().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await database.drop().catch(() => undefined);
    if (s3Running) await s3Server.stop().catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    db = await connectToSchema(database);
    await dataSource.initialize();
    for (let i = 0; i < (options.clusterers ?? 1); i++) {
      apps.clusterers.push(
        await createClustererApp(loadConfig(clustererEnvSchema, env), { hooks: options.clustererHooks }),
      );
    }
    if (options.indexer !== false) {
      apps.indexer = await createIndexerApp(loadConfig(indexerEnvSchema, env));
    }
    const listen = async (app: INestApplication): Promise<string> => {
      await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    };
    const clustererUrls: string[] = [];
    for (const app of apps.clusterers) clustererUrls.push(await listen(app));
    const indexerUrl = apps.indexer ? await listen(apps.indexer) : '';
    let gatewayUrl = '';
    if (options.gateway !== false) {
      apps.gateway = await createGatewayApp(loadConfig(gatewayEnvSchema, env));
      gatewayUrl = await listen(apps.gateway);
    }
    const http = request(gatewayUrl || 'http://127.0.0.1:9');
    const storage = new StorageRepository(s3Options);

    const waitForQueuesDrained = async (timeoutMs = 90_000): Promise<void> => {
      let quietPolls = 0;
      await waitFor(
        async () => {
          const counts = await Promise.all(Object.values(queues).map((q: Queue) => q.getJobCounts(...PENDING_STATES)));
          const pending = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
          quietPolls = pending === 0 ? quietPolls + 1 : 0;
          return quietPolls >= 2;
        },
        'the queues to drain',
        timeoutMs,
        150,
      );
    };

    return {
      gatewayUrl,
      indexerUrl,
      clustererUrls,
      http,
      api: (operation, body = {}) =>
        http.post(`/api/v1/${operation}`).set('content-type', 'application/json').send(body),
      storage,
      s3,
      db,
      dataSource,
      database,
      queuePrefix,
      queues,
      apps,
      env,
      waitForQueuesDrained,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
