import { APP_CONFIG, IndexerConfig } from '@app/config';
import { IndexFileJob, IndexQueue, parseJob, QueueName } from '@app/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { withJobLogContext } from '@app/observability';
import { IndexFileService, IndexOutcome } from './index-file.service';

/** Thin: validate the payload, index the file. Concurrency comes from INDEXER_CONCURRENCY at bootstrap. */
@Processor(QueueName.Index)
export class IndexFileProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(IndexFileProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly service: IndexFileService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.INDEXER_CONCURRENCY;
  }

  async process(job: Job<IndexFileJob>): Promise<IndexOutcome> {
    const data = parseJob(IndexQueue, job.data);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return withJobLogContext(job, () => this.service.index(data, lastAttempt));
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<IndexFileJob> | undefined, error: Error): void {
    this.logger.warn(`Job ${job?.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'}) failed: ${error.message}`);
  }
}
