import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';
import { MetricsService } from './metrics.service';

/**
 * Counts every BullMQ job of the app's workers without touching the processors: at bootstrap it finds the
 * @nestjs/bullmq WorkerHost instances (their `worker` exists by then) and listens to completed/failed events.
 */
@Injectable()
export class WorkerMetricsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerMetricsService.name);
  private readonly instrumented = new WeakSet<Worker>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const worker = workerOf(wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined);
      if (worker) this.instrument(worker);
    }
  }

  /** Also usable for a Worker created by hand. */
  instrument(worker: Worker): void {
    if (this.instrumented.has(worker)) return;
    this.instrumented.add(worker);
    worker.on('completed', (job: Job) => this.metrics.observeJob(job, 'completed'));
    worker.on('failed', (job: Job | undefined) => {
      if (job) this.metrics.observeJob(job, 'failed');
    });
    this.logger.debug(`Collecting job metrics of queue ${worker.name}`);
  }
}

/** The worker of a WorkerHost (`_worker` is set by @nestjs/bullmq's explorer; the `worker` getter throws before). */
function workerOf(instance: unknown): Worker | undefined {
  if (!instance || typeof instance !== 'object') return undefined;
  const candidate = (instance as { _worker?: unknown })._worker;
  if (
    candidate &&
    typeof candidate === 'object' &&
    typeof (candidate as Worker).on === 'function' &&
    'name' in candidate
  ) {
    return candidate as Worker;
  }
  return undefined;
}
