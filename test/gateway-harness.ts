import { GatewayConfig, gatewayEnvSchema, loadConfig, redisConnection } from '@app/config';
import { randomUUID } from 'node:crypto';
import { parseStorageUri, QueueName } from '@app/contracts';
import { FigureClusterRepository, FileRepository, IndexedImageInfo, NewFigure, PendingFileInput } from '@app/database';
import { createTestDatabase, startTestS3, testQueuePrefix, TestDatabase, TestS3 } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createGatewayApp } from '../apps/gateway/src/gateway.app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are whatever the operation returns
export type PageBody = Record<string, any>;

export interface GatewayHarness {
  app: INestApplication;
  config: GatewayConfig;
  db: TestDatabase;
  s3: TestS3;
  queues: Record<keyof typeof QueueName, Queue>;
  /** POST /api/v1/<operation> with a JSON body. */
  call(operation: string, body?: unknown): request.Test;
  /** POST to any path with a JSON body. */
  post(path: string, body?: unknown): request.Test;
  /** Calls a paged operation (expecting 200) following NextToken to the end; the body of every page. */
  allPages(operation: string, body: Record<string, unknown>): Promise<PageBody[]>;
  close(): Promise<void>;
}

/** One gateway on a throwaway schema, a private queue prefix and a real S3 server. */
export async function startGateway(label: string, env: Record<string, string> = {}): Promise<GatewayHarness> {
  const [db, s3] = await Promise.all([createTestDatabase(label), startTestS3(['photos', 'other-bucket'])]);
  const config = loadConfig(gatewayEnvSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    DATABASE_SCHEMA: db.schema,
    DATABASE_POOL_SIZE: '4',
    QUEUE_PREFIX: testQueuePrefix(label),
    S3_ENDPOINT: s3.options.endpoint,
    S3_ALLOWED_BUCKETS: 'photos,other-bucket,no-such-bucket',
    CLUSTER_DEBOUNCE_MS: '60000',
    ...env,
  });
  const app = await createGatewayApp(config);
  const connection = redisConnection(config);
  const queues = Object.fromEntries(
    Object.entries(QueueName).map(([key, name]) => [key, new Queue(name, { connection, prefix: config.QUEUE_PREFIX })]),
  ) as GatewayHarness['queues'];
  const server = app.getHttpServer();
  const call = (operation: string, body: unknown = {}): request.Test =>
    request(server)
      .post(`/api/v1/${operation}`)
      .send(body as object);
  return {
    app,
    config,
    db,
    s3,
    queues,
    call,
    post: (path, body = {}) =>
      request(server)
        .post(path)
        .send(body as object),
    async allPages(operation, body) {
      const pages: PageBody[] = [];
      let token = '';
      do {
        const res = await call(operation, { ...body, ...(token ? { NextToken: token } : {}) }).expect(200);
        pages.push(res.body as PageBody);
        token = (res.body as PageBody)['NextToken'];
      } while (token);
      return pages;
    },
    async close() {
      await app.close();
      for (const queue of Object.values(queues)) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await Promise.all([db.drop(), s3.stop()]);
    },
  };
}

/** A face as the indexer would store it (fields the tests care about overridable). */
export function face(overrides: Partial<NewFigure> = {}): NewFigure {
  return {
    faceIndex: 0,
    left: 10,
    top: 20,
    width: 50,
    height: 60,
    figureConfidence: 0.95,
    age: 30,
    ageSD: 4,
    gender: 'male',
    genderConfidence: 0.9,
    pitch: 1,
    roll: 2,
    yaw: 3,
    emotion: 'happy',
    emotionConfidence: 0.8,
    mouth: 'close',
    mouthConfidence: 0.9,
    eyesOpen: 0.9,
    sharpness: 0.7,
    faceQuality: 0.85,
    isHD: true,
    embedding: Buffer.alloc(2048),
    thumbnail: null,
    ...overrides,
  };
}

/** Seeds indexed files with faces and clusters through the repositories (the workers are not needed). */
export class Seeder {
  readonly files: FileRepository;
  readonly clusters: FigureClusterRepository;

  constructor(app: INestApplication) {
    this.files = app.get(FileRepository);
    this.clusters = app.get(FigureClusterRepository);
  }

  async indexedFile(
    datasetId: string,
    uri: string,
    faces: Array<Partial<NewFigure>>,
    info: Partial<IndexedImageInfo> = {},
    fields: Partial<PendingFileInput> = {},
  ): Promise<{ fileId: string; figureIds: string[] }> {
    const parsed = parseStorageUri(uri)!;
    const [file] = await this.files.upsertPending([
      { datasetId, uri, bucket: parsed.bucket, objectKey: parsed.key, ...fields },
    ]);
    const figures = await this.files.completeIndexing(
      file.id,
      {
        etag: 'etag',
        size: 1000,
        contentType: 'image/jpeg',
        fileModifiedTime: null,
        imageWidth: 640,
        imageHeight: 480,
        imageFormat: 'jpeg',
        ...info,
      },
      faces.map((f, i) => face({ faceIndex: i, ...f })),
    );
    return { fileId: file.id, figureIds: figures.map((f) => f.id) };
  }

  /** Creates clusters with the given members (figure ids) and independent faces, as a clustering run would. */
  async cluster(
    datasetId: string,
    clusters: Array<{ members: string[]; coverFigureId?: string }>,
    independent: string[] = [],
  ): Promise<string[]> {
    const ids = clusters.map(() => randomUUID());
    await this.clusters.runClusteringTransaction(datasetId, async (tx) => {
      await tx.insertClusters(ids.map((id) => ({ id, summary: Buffer.alloc(4) })));
      await tx.assign([
        ...clusters.flatMap((c, i) => c.members.map((figureId) => ({ figureId, clusterId: ids[i] }))),
        ...independent.map((figureId) => ({ figureId, clusterId: null })),
      ]);
      await tx.writeStats(
        clusters.map((c, i) => ({
          id: ids[i],
          faceCount: c.members.length,
          imageCount: c.members.length,
          gender: 'male',
          averageAge: 30,
          minAge: 25,
          maxAge: 35,
          coverFigureId: c.coverFigureId ?? c.members[0] ?? null,
        })),
      );
    });
    return ids;
  }
}
