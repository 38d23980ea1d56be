import { databaseOptions, indexerEnvSchema, loadConfig, redisConnection, storageOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { MetricsService, ObservabilityModule, ReadinessRegistry } from '@app/observability';
import { StorageModule } from '@app/storage';
import { waitFor } from '@app/testing';
import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Job, Queue } from 'bullmq';
import request from 'supertest';
import { GatewayHarness, startGateway } from './gateway-harness';

const queueName = 'obs-test';

@Processor(queueName)
class EchoProcessor extends WorkerHost {
  async process(job: Job<{ fail?: boolean }>): Promise<string> {
    if (job.data.fail) throw new Error('told to fail');
    return 'ok';
  }
}

@Injectable()
class Producer {
  constructor(@InjectQueue(queueName) readonly queue: Queue) {}
}

describe('observability: metrics and health over HTTP', () => {
  let gw: GatewayHarness;
  let worker: INestApplication;
  let producer: Producer;

  beforeAll(async () => {
    gw = await startGateway('obs');
    // A worker app the way the indexer and clusterer are built: a WorkerHost processor and the module.
    const config = loadConfig(indexerEnvSchema, {
      LOG_LEVEL: 'silent',
      DATABASE_URL: gw.db.url,
      DATABASE_SCHEMA: gw.db.schema,
      DATABASE_POOL_SIZE: '2',
      QUEUE_PREFIX: gw.config.QUEUE_PREFIX,
      S3_ENDPOINT: gw.s3.options.endpoint,
    });
    @Module({
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        StorageModule.register(storageOptions(config)),
        BullModule.forRoot({ connection: redisConnection(config), prefix: config.QUEUE_PREFIX }),
        BullModule.registerQueue({ name: queueName }),
        ObservabilityModule.forRoot({ app: 'indexer', config, installNestLogger: false }),
      ],
      providers: [EchoProcessor, Producer],
    })
    class WorkerTestModule {}
    const moduleRef = await Test.createTestingModule({ imports: [WorkerTestModule] }).compile();
    worker = moduleRef.createNestApplication({ logger: false });
    await worker.init();
    producer = worker.get(Producer);
  });

  afterAll(async () => {
    await producer?.queue.obliterate({ force: true }).catch(() => undefined);
    await worker?.close();
    await gw?.close();
  });

  it('reports liveness and readiness of Postgres, Redis and the object store', async () => {
    const server = gw.app.getHttpServer();
    const live = await request(server).get('/health/live').expect(200);
    expect(live.body.status).toBe('ok');
    const ready = await request(server).get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(Object.keys(ready.body.details).sort()).toEqual(['postgres', 'redis', 'storage']);
    // Not ready is a 503 with the failing check named, whatever the app's exception filter does with errors.
    const registry = gw.app.get(ReadinessRegistry);
    registry.register('probe', () => false);
    const down = await request(server).get('/health/ready').expect(503);
    expect(down.body.error.probe.status).toBe('down');
    registry.register('probe', () => true);
    await request(server).get('/health/ready').expect(200);
  });

  it('turns readiness to 503 while a registered check fails', async () => {
    const server = worker.getHttpServer();
    let modelsLoaded = false;
    worker.get(ReadinessRegistry).register('models', () => modelsLoaded);
    const down = await request(server).get('/health/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.models.status).toBe('down');
    expect(down.body.details.postgres.status).toBe('up');
    modelsLoaded = true;
    await request(server).get('/health/ready').expect(200);
  });

  it('exposes HTTP latency and queue depth on the gateway, with the request id echoed', async () => {
    const server = gw.app.getHttpServer();
    const res = await request(server).get('/health/live').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9A-F-]{36}$/);
    // Without an id of its own (the gateway assigns IMM ones), an app keeps a well-formed incoming x-request-id.
    const traced = await request(worker.getHttpServer())
      .get('/health/live')
      .set('x-request-id', 'trace-0123456789')
      .expect(200);
    expect(traced.headers['x-request-id']).toBe('trace-0123456789');
    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(
      sample(metrics.text, 'facecluster_http_request_duration_seconds_count', {
        operation: '/health/live',
        method: 'GET',
        status: '200',
        app: 'gateway',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics.text, 'facecluster_queue_jobs', { queue: 'facecluster-index', state: 'waiting', app: 'gateway' }),
    ).toBe(0);
    expect(sample(metrics.text, 'facecluster_queue_oldest_waiting_seconds', { queue: 'facecluster-cluster' })).toBe(0);
    expect(metrics.text).toContain('facecluster_process_cpu_seconds_total');
  });

  it('labels HTTP metrics by route pattern: 200 made-up paths do not grow the series count', async () => {
    const server = gw.app.getHttpServer();
    const seriesCount = async (): Promise<number> =>
      (await request(server).get('/metrics').expect(200)).text
        .split('\n')
        .filter((line) => line.startsWith('facecluster_http_request_duration_seconds_count{')).length;
    const prefixes = [
      '/',
      '/api/v1/',
      '/dashboard/',
      '/dashboard/datasets/',
      '/admin/queues/',
      '/api/docs/',
      '/health/',
    ];
    const hit = async (round: number): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        const path = `${prefixes[i % prefixes.length]}made-up-${round}-${i}/x${i}`;
        await (i % 2 === 0 ? request(server).get(path) : request(server).post(path).send({}));
      }
    };
    await hit(0); // every kind of unmatched path once
    await seriesCount(); // and /metrics itself
    const before = await seriesCount();
    await hit(1);
    await hit(2);
    expect(await seriesCount()).toBe(before);
  });

  it('counts processed and failed jobs, their wait and the indexer measurements', async () => {
    await producer.queue.add('ok', {});
    await producer.queue.add('bad', { fail: true });
    const metrics = worker.get(MetricsService);
    metrics.observeInferenceTimings({ detect: 12, embed: 4 });
    metrics.observeFacesPerImage(3);
    metrics.observeClusterRun(250, 40);
    const text = await waitFor(async () => {
      const body = (await request(worker.getHttpServer()).get('/metrics').expect(200)).text;
      const q = { queue: queueName, app: 'indexer' };
      return sample(body, 'facecluster_jobs_failed_total', q) === 1 &&
        sample(body, 'facecluster_jobs_processed_total', q) === 1
        ? body
        : null;
    }, 'job metrics');
    expect(sample(text, 'facecluster_queue_wait_seconds_count', { queue: queueName })).toBe(2);
    expect(sample(text, 'facecluster_job_duration_seconds_count', { queue: queueName })).toBe(2);
    expect(sample(text, 'facecluster_inference_duration_seconds_sum', { model: 'detect' })).toBeCloseTo(0.012);
    expect(sample(text, 'facecluster_faces_per_image_sum', {})).toBe(3);
    expect(sample(text, 'facecluster_cluster_run_faces_sum', {})).toBe(40);
    expect(sample(text, 'facecluster_cluster_run_duration_seconds_sum', {})).toBeCloseTo(0.25);
  });
});

/** The value of the first sample of `name` whose labels include `labels` (label order is prom-client's business). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v)) return Number(match[3]);
  }
  return undefined;
}
