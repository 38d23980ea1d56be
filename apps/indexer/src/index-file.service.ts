import { allowedBuckets, APP_CONFIG, IndexerConfig } from '@app/config';
import {
  ClusterDatasetJob,
  DomainError,
  DomainEvent,
  encodeEmbedding,
  FileStatus,
  IndexFileJob,
  InvalidArgumentError,
  QueueName,
  scheduleClusterRun,
  TaskStatus,
} from '@app/contracts';
import { FileEntity, FileRepository, NewFigure, TaskRepository } from '@app/database';
import { DetectedFace, FaceAnalyzer, ImageAnalysis } from '@app/inference';
import { StorageRepository } from '@app/storage';
import { InjectQueue } from '@nestjs/bullmq';
import { MetricsService } from '@app/observability';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DomainEventPublisher } from '@app/messaging';
import { FaceEventsService } from './faces/face-events.service';
import { toDetectedFigure } from './faces/detected-figure';

export type IndexOutcome =
  | { kind: 'gone' }
  | { kind: 'indexed'; figureCount: number }
  | { kind: 'unchanged' }
  | { kind: 'failed'; code: string; message: string };

/**
 * Errors that retrying cannot fix (the object is missing or too large, the bytes are not a usable image): the
 * error code table says so. Anything that is not a DomainError (a dropped connection, a crash) is transient.
 */
export function isPermanentFailure(error: unknown): error is DomainError {
  return error instanceof DomainError && !error.retryable;
}

export function toNewFigure(face: DetectedFace, faceIndex: number): NewFigure {
  return {
    faceIndex,
    ...toDetectedFigure(face),
    eyesOpen: face.eyesOpen ?? null,
    isHD: face.isHD,
    embedding: encodeEmbedding(face.embedding),
    thumbnail: face.thumbnail ?? null,
  };
}

/**
 * Indexes one file: fetch the object, skip unchanged content (same ETag as the last successful index), detect
 * and describe faces, replace the file's figures in one transaction. Permanent failures are recorded on the
 * file; transient ones are thrown so BullMQ retries. Afterwards the dataset's debounced clustering run and the
 * task counters are updated.
 */
@Injectable()
export class IndexFileService {
  private readonly logger = new Logger(IndexFileService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly files: FileRepository,
    private readonly tasks: TaskRepository,
    private readonly storage: StorageRepository,
    private readonly pipeline: FaceAnalyzer,
    private readonly events: DomainEventPublisher,
    @InjectQueue(QueueName.Cluster) private readonly clusterQueue: Queue<ClusterDatasetJob>,
    private readonly faceEvents: FaceEventsService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /**
   * @param lastAttempt when true, a transient failure is recorded as the file's final error (InternalError)
   *   instead of being thrown, so that the file and its task always reach an end state.
   */
  async index(job: IndexFileJob, lastAttempt: boolean): Promise<IndexOutcome> {
    const file = await this.files.findById(job.fileId);
    if (!file || file.datasetId !== job.datasetId) {
      // Deleted (or re-created) since the job was queued: nothing to do, but the task must still count it.
      await this.recordTaskOutcome(job, { kind: 'gone' });
      return { kind: 'gone' };
    }
    let outcome: IndexOutcome;
    try {
      outcome = await this.indexFile(file);
    } catch (error) {
      if (isPermanentFailure(error)) {
        outcome = { kind: 'failed', code: error.code, message: error.message };
      } else if (lastAttempt) {
        const message = error instanceof Error ? error.message : String(error);
        outcome = { kind: 'failed', code: 'InternalError', message: `Indexing failed after retries: ${message}` };
      } else {
        throw error;
      }
      await this.files.markFailed(file.id, outcome.code, outcome.message);
    }
    await this.afterFile(job, file, outcome);
    return outcome;
  }

  private async indexFile(file: FileEntity): Promise<IndexOutcome> {
    // The gateway refused such URIs already; a file recorded before S3_ALLOWED_BUCKETS changed is not read.
    if (!allowedBuckets(this.config).includes(file.bucket)) {
      throw new InvalidArgumentError(`The bucket ${file.bucket} is not allowed (S3_ALLOWED_BUCKETS).`, 'InvalidURI');
    }
    const stat = await this.storage.stat(file.bucket, file.objectKey);
    if (file.etag && file.etag === stat.etag && file.indexedTime && file.status !== FileStatus.Failed) {
      await this.files.markUnchanged(file.id);
      return { kind: 'unchanged' };
    }
    const object = await this.storage.get(file.bucket, file.objectKey, this.config.MAX_OBJECT_BYTES, stat);
    const analysis: ImageAnalysis = await this.pipeline.analyze(object.body);
    const figures = analysis.faces.map(toNewFigure);
    this.metrics?.observeInferenceTimings(analysis.timings);
    this.metrics?.observeFacesPerImage(figures.length);
    // Stranger / known-person events: matched against the current clusters now, written with the faces.
    const plan = await this.faceEvents.plan(file.datasetId, analysis.faces);
    let toDeliver = 0;
    await this.files.completeIndexing(
      file.id,
      {
        etag: object.etag,
        size: object.size,
        contentType: object.contentType,
        fileModifiedTime: object.lastModified,
        imageWidth: analysis.width,
        imageHeight: analysis.height,
        imageFormat: analysis.format,
      },
      figures,
      plan
        ? async (manager, saved) => {
            toDeliver = await this.faceEvents.record(manager, plan, saved, file.uri);
          }
        : undefined,
    );
    // Committed: wake a gateway to deliver now (its poll would find the events anyway).
    if (toDeliver > 0)
      await this.events.publish(DomainEvent.FaceEventsRecorded, { datasetId: file.datasetId, count: toDeliver });
    this.logger.debug(`Indexed ${file.uri}: ${figures.length} faces in ${Math.round(analysis.timings.total)} ms`);
    return { kind: 'indexed', figureCount: figures.length };
  }

  private async afterFile(job: IndexFileJob, file: FileEntity, outcome: IndexOutcome): Promise<void> {
    if (outcome.kind === 'failed') this.logger.warn(`Indexing ${file.uri} failed: ${outcome.code}: ${outcome.message}`);
    // Every outcome may change the dataset's faces (new ones, replaced ones, ones dropped with a failed file):
    // (re)start the dataset's debounce window, capped by the max wait. A run with nothing to do is a no-op.
    await scheduleClusterRun(
      this.clusterQueue,
      { datasetId: file.datasetId, trigger: 'debounce' },
      { debounceMs: this.config.CLUSTER_DEBOUNCE_MS, maxWaitMs: this.config.CLUSTER_MAX_WAIT_MS },
    );
    await this.recordTaskOutcome(job, outcome);
  }

  /**
   * Counts the file on its task; the job that completes the count finishes the task. Decision: an indexing
   * task Succeeds when at least one of its files was indexed (the Message then says how many failed, and
   * GetTask's per-file list has each error); it Fails only when every file failed, with the last file's Code.
   */
  private async recordTaskOutcome(job: IndexFileJob, outcome: IndexOutcome): Promise<void> {
    if (!job.taskId) return;
    const error = outcome.kind === 'failed' ? `${outcome.code}: ${outcome.message}` : null;
    const counters = await this.tasks.recordFileOutcome(job.taskId, job.uri, error);
    if (!counters || counters.done < counters.total) return;
    const allFailed = counters.failed >= counters.total && counters.total > 0;
    const status = allFailed ? TaskStatus.Failed : TaskStatus.Succeeded;
    const finished = await this.tasks.finish(job.taskId, {
      status,
      ...(allFailed && outcome.kind === 'failed'
        ? {
            code: outcome.code,
            message:
              counters.total === 1 ? outcome.message : `All ${counters.total} files failed; last: ${outcome.message}`,
          }
        : allFailed
          ? { code: 'InternalError', message: `All ${counters.total} files failed.` }
          : counters.failed > 0
            ? {
                message: `${counters.total - counters.failed} of ${counters.total} files indexed; ${counters.failed} failed.`,
              }
            : {}),
    });
    if (finished) {
      await this.events.publish(DomainEvent.IndexTaskFinished, {
        taskId: job.taskId,
        datasetId: job.datasetId,
        status,
      });
    }
  }
}
