import { APP_CONFIG, IndexerConfig } from '@app/config';
import { FaceQueryJob, FaceQueryResult, QueueName } from '@app/contracts';
import { withJobLogContext } from '@app/observability';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { faceQueryJobSchema } from '../indexer-jobs.schema';
import { FaceQueryService } from './face-query.service';

/** Thin: validate the payload, answer it. Its own queue, so that questions never wait behind an indexing backlog. */
@Processor(QueueName.Faces)
export class FaceQueryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly service: FaceQueryService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.FACE_QUERY_CONCURRENCY;
  }

  async process(job: Job<FaceQueryJob>): Promise<FaceQueryResult> {
    const parsed = faceQueryJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Invalid ${QueueName.Faces} payload: ${parsed.error.message}`);
    return withJobLogContext(job, () => this.service.run(parsed.data));
  }
}
