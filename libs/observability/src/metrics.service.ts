import { redisConnection } from '@app/config';
import { QueueName } from '@app/contracts';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';

/** BullMQ job states reported as queue depth. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

const secondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** What the worker's timing fields give once a job settles (BullMQ Job fields, all epoch ms). */
export interface SettledJob {
  queueName: string;
  timestamp: number;
  delay?: number;
  processedOn?: number;
  finishedOn?: number;
}

/**
 * Every Prometheus metric of one app, in its own registry (three apps may share a process in tests).
 * Names follow Prometheus conventions: seconds, `_total` counters, base labels `app`.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly queues: Queue[];

  readonly jobsProcessed: Counter<'queue'>;
  readonly jobsFailed: Counter<'queue'>;
  readonly jobDuration: Histogram<'queue'>;
  readonly queueWait: Histogram<'queue'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;
  readonly queueOldestWaiting: Gauge<'queue'>;
  readonly inferenceDuration: Histogram<'model'>;
  readonly facesPerImage: Histogram;
  readonly clusterRunDuration: Histogram;
  readonly clusterRunFaces: Histogram;
  readonly httpDuration: Histogram<'operation' | 'method' | 'status'>;

  constructor(@Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions) {
    const register = this.registry;
    register.setDefaultLabels({ app: options.app });
    collectDefaultMetrics({ register, prefix: 'facecluster_' });

    const observed = options.observedQueues ?? (options.app === 'gateway' ? Object.values(QueueName) : []);
    const connection = { ...redisConnection(options.config), maxRetriesPerRequest: 1 };
    this.queues = observed.map((name) => new Queue(name, { connection, prefix: options.config.QUEUE_PREFIX }));
    const queues = this.queues;

    this.jobsProcessed = new Counter({
      name: 'facecluster_jobs_processed_total',
      help: 'Jobs completed, per queue',
      labelNames: ['queue'],
      registers: [register],
    });
    this.jobsFailed = new Counter({
      name: 'facecluster_jobs_failed_total',
      help: 'Job attempts that failed, per queue',
      labelNames: ['queue'],
      registers: [register],
    });
    this.jobDuration = new Histogram({
      name: 'facecluster_job_duration_seconds',
      help: 'Processing time of a job attempt',
      labelNames: ['queue'],
      buckets: secondsBuckets,
      registers: [register],
    });
    this.queueWait = new Histogram({
      name: 'facecluster_queue_wait_seconds',
      help: 'Time a job waited in its queue before a worker took it (delay excluded)',
      labelNames: ['queue'],
      buckets: secondsBuckets,
      registers: [register],
    });
    this.queueDepth = new Gauge({
      name: 'facecluster_queue_jobs',
      help: 'Jobs in a queue by state (read from BullMQ on scrape)',
      labelNames: ['queue', 'state'],
      registers: [register],
      async collect() {
        this.reset();
        await forEachQueue(queues, async (queue) => {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        });
      },
    });
    this.queueOldestWaiting = new Gauge({
      name: 'facecluster_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting in a queue (0 when empty)',
      labelNames: ['queue'],
      registers: [register],
      async collect() {
        this.reset();
        await forEachQueue(queues, async (queue) => {
          // Index jobs wait as 'prioritized' (fair indexing): the next job of each list, the older of the two.
          const next = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
          const oldest = Math.min(...next.map((job) => job.timestamp));
          this.set({ queue: queue.name }, next.length ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
        });
      },
    });
    this.inferenceDuration = new Histogram({
      name: 'facecluster_inference_duration_seconds',
      help: 'Model inference time per image and model (or pipeline stage)',
      labelNames: ['model'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [register],
    });
    this.facesPerImage = new Histogram({
      name: 'facecluster_faces_per_image',
      help: 'Faces found in an indexed image',
      buckets: [0, 1, 2, 3, 5, 8, 13, 21, 50],
      registers: [register],
    });
    this.clusterRunDuration = new Histogram({
      name: 'facecluster_cluster_run_duration_seconds',
      help: 'Duration of a clustering run of one dataset',
      buckets: secondsBuckets,
      registers: [register],
    });
    this.clusterRunFaces = new Histogram({
      name: 'facecluster_cluster_run_faces',
      help: 'Faces considered by a clustering run',
      buckets: [0, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
      registers: [register],
    });
    this.httpDuration = new Histogram({
      name: 'facecluster_http_request_duration_seconds',
      help: 'HTTP request latency by operation and status',
      labelNames: ['operation', 'method', 'status'],
      buckets: secondsBuckets,
      registers: [register],
    });
  }

  /** One model run (or pipeline stage) of the indexer, in milliseconds. */
  observeInference(model: string, ms: number): void {
    this.inferenceDuration.observe({ model }, ms / 1000);
  }

  /** Every stage of FacePipeline.analyze's `timings` (ms) at once. */
  observeInferenceTimings(timings: object): void {
    for (const [model, ms] of Object.entries(timings))
      if (typeof ms === 'number' && Number.isFinite(ms)) this.observeInference(model, ms);
  }

  observeFacesPerImage(count: number): void {
    this.facesPerImage.observe(count);
  }

  observeClusterRun(durationMs: number, faces: number): void {
    this.clusterRunDuration.observe(durationMs / 1000);
    this.clusterRunFaces.observe(faces);
  }

  observeHttp(operation: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ operation, method, status: String(status) }, seconds);
  }

  /** A job finished (completed or failed): counts it and records its wait and processing time. */
  observeJob(job: SettledJob, outcome: 'completed' | 'failed'): void {
    const queue = job.queueName;
    (outcome === 'completed' ? this.jobsProcessed : this.jobsFailed).inc({ queue });
    if (job.processedOn) {
      const waited = job.processedOn - job.timestamp - (job.delay ?? 0);
      this.queueWait.observe({ queue }, Math.max(0, waited) / 1000);
      if (job.finishedOn) this.jobDuration.observe({ queue }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
    }
  }

  /** The exposition text (and content type) for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}

/** Reads every queue; a queue Redis cannot answer for is left out of the scrape instead of failing it. */
async function forEachQueue(queues: Queue[], read: (queue: Queue) => Promise<void>): Promise<void> {
  await Promise.all(queues.map((queue) => withTimeout(read(queue), 2000).catch(() => undefined)));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
