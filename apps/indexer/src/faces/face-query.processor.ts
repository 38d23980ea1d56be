import { APP_CONFIG, IndexerConfig } from '@app/config';
import { FaceQueryResult, FacesQueue, parseJob, QueueName } from '@app/contracts';
import { withJobLogContext } from '@app/observability';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
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

  async process(job: Job): Promise<FaceQueryResult> {
    const data = parseJob(FacesQueue, job.data);
    return withJobLogContext(job, () => this.service.run(data));
  }
}
