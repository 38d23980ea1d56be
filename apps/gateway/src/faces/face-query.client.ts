import { APP_CONFIG, GatewayConfig, redisConnection } from '@app/config';
import {
  addJob,
  DomainError,
  ErrorCode,
  FaceQueryAnswer,
  FaceQueryJob,
  FaceQueryResult,
  FacesQueue,
  faceQueryWaitOptions,
  FaceQueryTimings,
  JobName,
  QueueName,
} from '@app/contracts';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';

type QueryOf<Op extends FaceQueryJob['op']> = Omit<Extract<FaceQueryJob, { op: Op }>, 'name'>;

/**
 * Asks the indexer (which holds the face models) about images and waits for the answer: one BullMQ job on the
 * face-query queue, `waitUntilFinished` on the queue's events. The gateway loads no model. An indexer that does
 * not answer within FACE_QUERY_TIMEOUT_MS gives ServiceUnavailable (the job is withdrawn if it has not started).
 */
@Injectable()
export class FaceQueryClient implements OnModuleDestroy {
  private events: QueueEvents | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @InjectQueue(QueueName.Faces) private readonly queue: Queue,
  ) {}

  async ask<Op extends 'detect' | 'compare' | 'search'>(
    query: QueryOf<Op> & { op: Op },
  ): Promise<{ answer: Extract<FaceQueryAnswer, { op: Op }>; timings: FaceQueryTimings }> {
    const events = await this.queueEvents();
    const job = await addJob(
      this.queue,
      FacesQueue,
      { name: JobName.FaceQuery, ...query } as unknown as FaceQueryJob,
      faceQueryWaitOptions,
    );
    let result: FaceQueryResult;
    try {
      result = (await job.waitUntilFinished(events, this.config.FACE_QUERY_TIMEOUT_MS)) as FaceQueryResult;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed out|timeout/i.test(message)) {
        await job.remove().catch(() => undefined);
        throw new DomainError(ErrorCode.ServiceUnavailable, 'No indexer answered in time; try again later.');
      }
      throw new DomainError(ErrorCode.InternalError, 'The face analysis failed.');
    }
    if (!result.ok) throw new DomainError(result.code, result.message, result.kind);
    return { answer: result.answer as Extract<FaceQueryAnswer, { op: Op }>, timings: result.timings };
  }

  /** Queues a faces-searching task's job (its result is recorded on the task). */
  async enqueueTask(query: Omit<QueryOf<'faces-search'>, 'op'>): Promise<void> {
    await addJob(this.queue, FacesQueue, { name: JobName.FaceQuery, op: 'faces-search', ...query });
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.events = new QueueEvents(QueueName.Faces, {
        connection: redisConnection(this.config),
        prefix: this.config.QUEUE_PREFIX,
      });
      await this.events.waitUntilReady();
    }
    return this.events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close();
  }
}
