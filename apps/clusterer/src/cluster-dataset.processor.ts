import { APP_CONFIG, ClustererConfig } from '@app/config';
import { ClusterDatasetJob, ClusterQueue, parseJob, QueueName } from '@app/contracts';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { withJobLogContext } from '@app/observability';
import { ClusterDatasetService, RunOutcome } from './cluster-dataset.service';

/** How long a run waits before trying again when another run of the same dataset holds the lock. */
export const LOCKED_RETRY_MS = 500;

/**
 * Thin: validate, run. When another replica is clustering the same dataset, the job goes back to the delayed
 * set (BullMQ's moveToDelayed + DelayedError pattern) without counting an attempt. Different datasets run in
 * parallel up to CLUSTERER_CONCURRENCY.
 */
@Processor(QueueName.Cluster)
export class ClusterDatasetProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ClustererConfig,
    private readonly service: ClusterDatasetService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.CLUSTERER_CONCURRENCY;
  }

  async process(job: Job<ClusterDatasetJob>, token?: string): Promise<RunOutcome> {
    const data = parseJob(ClusterQueue, job.data);
    const outcome = await withJobLogContext(job, () =>
      this.service.run(data, {
        attempt: job.attemptsMade + 1,
        lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        rememberTaskId: (taskId) => job.updateData({ ...job.data, taskId }),
      }),
    );
    if (outcome.kind === 'locked') {
      await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS + Math.floor(Math.random() * LOCKED_RETRY_MS), token);
      throw new DelayedError();
    }
    return outcome;
  }
}
