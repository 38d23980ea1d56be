import { allowedBuckets, APP_CONFIG, GatewayConfig } from '@app/config';
import {
  addJobs,
  fairIndexPriority,
  IndexFileJob,
  IndexQueue,
  InvalidArgumentError,
  JobName,
  jobId,
  LIVE_JOB_STATES,
  parseStorageUri,
  QueueName,
} from '@app/contracts';
import { FileEntity, FileRepository, PendingFileInput } from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { InputFile } from './file.dto';

/** Records files as pending and enqueues their index jobs (shared by IndexFileMeta and bucket notifications). */
@Injectable()
export class FileIndexingService {
  private readonly buckets: string[];

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly files: FileRepository,
    @InjectQueue(QueueName.Index) private readonly indexQueue: Queue<IndexFileJob>,
  ) {
    this.buckets = allowedBuckets(config);
  }

  /** Refuses a URI whose bucket the deployment does not allow (S3_ALLOWED_BUCKETS), before anything is written. */
  checkBucket(uri: string): void {
    const parsed = parseStorageUri(uri);
    if (parsed && !this.buckets.includes(parsed.bucket)) {
      throw new InvalidArgumentError(
        `The bucket ${parsed.bucket} of URI ${uri.slice(0, 256)} is not one this service may read (S3_ALLOWED_BUCKETS).`,
        'InvalidURI',
      );
    }
  }

  /** Upserts the files as pending; returns them in input order. */
  recordPending(datasetId: string, inputs: Array<InputFile & { UserData?: string }>): Promise<FileEntity[]> {
    inputs.forEach((input) => this.checkBucket(input.URI));
    const rows: PendingFileInput[] = inputs.map((input) => {
      const parsed = parseStorageUri(input.URI)!;
      const extra: Record<string, string> = {};
      if (input.ContentType !== undefined) extra['ContentType'] = input.ContentType;
      if (input.FileHash !== undefined) extra['FileHash'] = input.FileHash;
      if (input.MediaType !== undefined) extra['MediaType'] = input.MediaType;
      return {
        datasetId,
        uri: input.URI,
        bucket: parsed.bucket,
        objectKey: parsed.key,
        customId: input.CustomId ?? null,
        customLabels: input.CustomLabels ?? {},
        extra,
        userData: input.UserData ?? null,
      };
    });
    return this.files.upsertPending(rows);
  }

  /** Ids of files that already have an index job waiting or running (that job will index them). */
  async filesWithQueuedJobs(fileIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const states = await Promise.all(fileIds.map((id) => this.indexQueue.getJobState(jobId.indexFile(id))));
    states.forEach((state, i) => {
      if ((LIVE_JOB_STATES as readonly string[]).includes(state)) found.add(fileIds[i]);
    });
    return found;
  }

  /** Queues the files' index jobs, each with its fair priority (the size of its dataset's backlog). */
  async enqueue(files: FileEntity[], taskId?: string): Promise<void> {
    if (files.length === 0) return;
    // A failed job is kept under the same id (IndexQueue.removeOnFail) and would make the add a no-op.
    await Promise.all(
      files.map(async (file) => {
        if ((await this.indexQueue.getJobState(jobId.indexFile(file.id))) === 'failed') {
          await this.indexQueue.remove(jobId.indexFile(file.id)).catch(() => 0);
        }
      }),
    );
    const priorities = await this.fairPriorities(files);
    await addJobs(
      this.indexQueue,
      IndexQueue,
      files.map((file) => ({
        name: JobName.IndexFile,
        fileId: file.id,
        datasetId: file.datasetId,
        uri: file.uri,
        ...(taskId ? { taskId } : {}),
      })),
      (job) => ({ priority: priorities.get(job.datasetId) }),
    );
  }

  /** fairIndexPriority of each (already pending) file's dataset, by dataset id. */
  private async fairPriorities(files: FileEntity[]): Promise<Map<string, number>> {
    const byDataset = new Map<string, number>();
    for (const datasetId of new Set(files.map((f) => f.datasetId))) {
      byDataset.set(datasetId, fairIndexPriority(await this.files.countPending(datasetId)));
    }
    return byDataset;
  }

  /** Drops waiting index jobs of deleted files (a running one finds its file gone and ends). */
  async cancel(fileIds: string[]): Promise<void> {
    await Promise.all(fileIds.map((id) => this.indexQueue.remove(jobId.indexFile(id)).catch(() => 0)));
  }
}
