import { addJobs, IndexFileJob, IndexQueue, JobName, jobId, parseStorageUri, QueueName } from '@app/contracts';
import { FileEntity, FileRepository, PendingFileInput } from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { InputFile } from './file.dto';

/** Records files as pending and enqueues their index jobs (shared by IndexFileMeta and bucket notifications). */
@Injectable()
export class FileIndexingService {
  constructor(
    private readonly files: FileRepository,
    @InjectQueue(QueueName.Index) private readonly indexQueue: Queue<IndexFileJob>,
  ) {}

  /** Upserts the files as pending; returns them in input order. */
  recordPending(datasetId: string, inputs: Array<InputFile & { UserData?: string }>): Promise<FileEntity[]> {
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
    const jobs = await Promise.all(fileIds.map((id) => this.indexQueue.getJob(jobId.indexFile(id))));
    jobs.forEach((job, i) => {
      if (job) found.add(fileIds[i]);
    });
    return found;
  }

  async enqueue(files: FileEntity[], taskId?: string): Promise<void> {
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
    );
  }

  /** Drops waiting index jobs of deleted files (a running one finds its file gone and ends). */
  async cancel(fileIds: string[]): Promise<void> {
    await Promise.all(fileIds.map((id) => this.indexQueue.remove(jobId.indexFile(id)).catch(() => 0)));
  }
}
