import { APP_CONFIG, IndexerConfig } from '@app/config';
import { IndexFileJob, QueueName } from '@app/contracts';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { withJobLogContext } from '@app/observability';
import { IndexFileService, IndexOutcome } from './index-file.service';
import { indexFileJobSchema } from './indexer-jobs.schema';

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
    const parsed = indexFileJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`Invalid ${QueueName.Index} payload: ${parsed.error.message}`);
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return withJobLogContext(job, () => this.service.index(parsed.data as IndexFileJob, lastAttempt));
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<IndexFileJob> | undefined, error: Error): void {
    this.logger.warn(`Job ${job?.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'}) failed: ${error.message}`);
  }
}
