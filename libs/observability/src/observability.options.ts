import type { CommonConfig } from '@app/config';
import type { QueueName } from '@app/contracts';

export type AppName = 'gateway' | 'indexer' | 'clusterer';

export interface ObservabilityOptions {
  app: AppName;
  /** The app's validated config (LOG_LEVEL, REDIS_URL, QUEUE_PREFIX, S3_DEFAULT_BUCKET are read from it). */
  config: CommonConfig;
  /**
   * Queues whose depth and oldest waiting job are reported on each scrape. Defaults: every queue on the
   * gateway (it enqueues into all of them), none on the workers (their own job metrics come from their workers),
   * so one Prometheus scrape of the gateway has the whole picture without duplicated series.
   */
  observedQueues?: QueueName[];
  /** Check the object store (bucketExists of S3_DEFAULT_BUCKET) on readiness. Default: true when a StorageRepository is provided. */
  checkStorage?: boolean;
  /** Install the pino logger as Nest's logger (Logger.overrideLogger). Default true. */
  installNestLogger?: boolean;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
