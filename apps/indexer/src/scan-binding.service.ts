import {
  addJob,
  addJobs,
  BindingState,
  fairIndexPriority,
  IndexFileJob,
  IndexQueue,
  JobName,
  parseStorageUri,
  QueueName,
  ScanBindingJob,
  ScanQueue,
} from '@app/contracts';
import { BindingRepository, FileRepository } from '@app/database';
import { ObjectNotFoundError, StorageRepository } from '@app/storage';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';

export const SCAN_PAGE_SIZE = 1000;

export type ScanOutcome =
  | { kind: 'gone' | 'stopped' }
  | { kind: 'failed'; reason: string }
  | { kind: 'page'; listed: number; enqueued: number; next?: string };

/**
 * One page of a binding's scan per job: list up to 1,000 keys after `startAfter`, record them as pending files,
 * queue their indexing, then queue the next page (a new job, so a long scan survives restarts and never holds
 * a worker for long). The last page moves the binding from FullScanning to IncrementalScanning.
 */
@Injectable()
export class ScanBindingService {
  private readonly logger = new Logger(ScanBindingService.name);

  constructor(
    private readonly bindings: BindingRepository,
    private readonly files: FileRepository,
    private readonly storage: StorageRepository,
    @InjectQueue(QueueName.Index) private readonly indexQueue: Queue<IndexFileJob>,
    @InjectQueue(QueueName.Scan) private readonly scanQueue: Queue<ScanBindingJob>,
  ) {}

  async scanPage(job: ScanBindingJob): Promise<ScanOutcome> {
    const binding = await this.bindings.findById(job.bindingId);
    if (!binding) return { kind: 'gone' };
    if (binding.state === BindingState.Stopped) return { kind: 'stopped' };
    const scheme = parseStorageUri(binding.uri)?.scheme ?? 'oss';

    let page;
    try {
      page = await this.storage.list(binding.bucket, binding.prefix, job.startAfter ?? '', SCAN_PAGE_SIZE);
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      await this.bindings.update(binding.id, { state: BindingState.Failed, reason: error.message });
      return { kind: 'failed', reason: error.message };
    }

    // Folder markers are not files; objects already indexed with the same ETag need no work.
    const keys = page.keys.filter((k) => !k.key.endsWith('/'));
    const uris = keys.map((k) => `${scheme}://${binding.bucket}/${k.key}`);
    const known = new Map((await this.files.findByUris(binding.datasetId, uris)).map((f) => [f.uri, f]));
    const todo = keys
      .map((k, i) => ({ ...k, uri: uris[i] }))
      .filter((k) => {
        const file = known.get(k.uri);
        return !(file && file.status === 'indexed' && file.etag && file.etag === k.etag);
      });

    const rows = await this.files.upsertPending(
      todo.map((k) => ({ datasetId: binding.datasetId, uri: k.uri, bucket: binding.bucket, objectKey: k.key })),
    );
    // The same fairness as IndexFileMeta and bucket notifications: the size of the dataset's backlog.
    const priority = rows.length ? fairIndexPriority(await this.files.countPending(binding.datasetId)) : 1;
    await addJobs(
      this.indexQueue,
      IndexQueue,
      rows.map((file) => ({ name: JobName.IndexFile, fileId: file.id, datasetId: file.datasetId, uri: file.uri })),
      { priority },
    );

    if (page.nextStartAfter) {
      await addJob(this.scanQueue, ScanQueue, {
        name: JobName.ScanBinding,
        bindingId: binding.id,
        startAfter: page.nextStartAfter,
      });
    } else {
      await this.bindings.update(binding.id, { phase: 'IncrementalScanning', state: BindingState.Running, reason: '' });
      this.logger.log(`Binding ${binding.uri}: full scan done`);
    }
    // Last, so that a retried page (a failure above) is not counted twice.
    await this.bindings.addScanned(binding.id, keys.length);
    return { kind: 'page', listed: keys.length, enqueued: rows.length, next: page.nextStartAfter };
  }
}
