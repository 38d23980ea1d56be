import { APP_CONFIG, GatewayConfig } from '@app/config';
import {
  ClusterDatasetJob,
  LimitExceededError,
  QueueName,
  ResourceNotFoundError,
  scheduleClusterRun,
  TaskType,
} from '@app/contracts';
import { DatasetEntity, DatasetRepository, FileRepository, ProjectEntity, TaskRepository } from '@app/database';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BatchGetFileMetaResponse, EmptyResponse, GetFileMetaResponse, ImmTaskStarted } from '../common/imm-responses';
import { ImmNotification } from '../common/imm-schemas';
import { ResourceLookupService } from '../common/resource-lookup.service';
import { datasetLimit } from '../datasets/dataset.mapper';
import { InputFile } from './file.dto';
import { FileIndexingService } from './file-indexing.service';
import { figuresByFile, selectFields, toImmFile } from './imm-file.mapper';
import { TaskService } from '../tasks/task.service';

export interface IndexRequest {
  ProjectName: string;
  DatasetName: string;
  Files: InputFile[];
  UserData?: string;
  Notification?: ImmNotification;
  Tags?: Record<string, string>;
}

@Injectable()
export class FileService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly lookup: ResourceLookupService,
    private readonly files: FileRepository,
    private readonly datasets: DatasetRepository,
    private readonly tasks: TaskRepository,
    private readonly indexing: FileIndexingService,
    private readonly taskService: TaskService,
    @InjectQueue(QueueName.Cluster) private readonly clusterQueue: Queue<ClusterDatasetJob>,
  ) {}

  /**
   * IndexFileMeta / BatchIndexFileMeta: validate limits, record an IndexFileMeta task, upsert the files as
   * pending and enqueue one index job per file. Returns immediately (indexing is asynchronous).
   */
  async index(request: IndexRequest, requestId: string): Promise<ImmTaskStarted> {
    const { project, dataset } = await this.lookup.dataset(request.ProjectName, request.DatasetName);
    // The same URI twice in one batch is one file (the last entry wins, as for an upsert).
    const unique = [...new Map(request.Files.map((f) => [f.URI, f])).values()];
    await this.checkLimits(
      dataset,
      unique.map((f) => f.URI),
    );

    const files = await this.indexing.recordPending(
      dataset.id,
      unique.map((f) => ({ ...f, UserData: request.UserData })),
    );
    // Files whose index job is already queued are indexed by that job (deterministic job id): they are
    // reported by the task that queued them, not counted here.
    const alreadyQueued = await this.indexing.filesWithQueuedJobs(files.map((f) => f.id));
    const mine = files.filter((f) => !alreadyQueued.has(f.id));

    const { taskId, eventId } = await this.taskService.start(
      TaskType.IndexFileMeta,
      { projectId: project.id, datasetId: dataset.id },
      request,
      requestId,
      { total: mine.length, done: 0, failed: 0, files: [], deduplicated: files.length - mine.length },
    );
    if (mine.length === 0) {
      await this.tasks.finish(taskId, { status: 'Succeeded', message: 'Every file was already queued for indexing.' });
    } else {
      await this.indexing.enqueue(mine, taskId);
    }
    return { EventId: eventId, TaskId: taskId };
  }

  private async checkLimits(dataset: DatasetEntity, uris: string[]): Promise<void> {
    const maxFiles = datasetLimit(dataset.settings, 'DatasetMaxFileCount');
    const maxSize = datasetLimit(dataset.settings, 'DatasetMaxTotalFileSize');
    if (maxFiles === undefined && maxSize === undefined) return;
    const counts = await this.datasets.counts(dataset.id);
    if (maxSize !== undefined && counts.totalFileSize >= maxSize) {
      throw new LimitExceededError(`The dataset ${dataset.name} reached DatasetMaxTotalFileSize (${maxSize} bytes).`);
    }
    if (maxFiles !== undefined) {
      const existing = await this.files.findByUris(dataset.id, uris);
      const added = uris.length - existing.length;
      if (counts.fileCount + added > maxFiles) {
        throw new LimitExceededError(
          `The dataset ${dataset.name} would exceed DatasetMaxFileCount (${maxFiles} files).`,
        );
      }
    }
  }

  async get(
    projectName: string,
    datasetName: string,
    uri: string,
    withFields?: string[],
  ): Promise<GetFileMetaResponse> {
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const file = await this.files.findByUri(dataset.id, uri);
    if (!file) throw new ResourceNotFoundError(`The file ${uri} does not exist in dataset ${datasetName}.`);
    const figures = await this.files.figuresOfFiles([file.id]);
    const immFile = selectFields(toImmFile(file, figures, names(project, dataset)), withFields);
    // IMM's GetFileMeta answers `Files: [file]`; `File` is kept for facecluster's earlier clients.
    return { File: immFile, Files: [immFile] };
  }

  async batchGet(
    projectName: string,
    datasetName: string,
    uris: string[],
    withFields?: string[],
  ): Promise<BatchGetFileMetaResponse> {
    const { project, dataset } = await this.lookup.dataset(projectName, datasetName);
    const rows = await this.files.findByUris(dataset.id, [...new Set(uris)]);
    const byUri = new Map(rows.map((r) => [r.uri, r]));
    const ordered = [...new Set(uris)].map((u) => byUri.get(u)).filter((r) => r !== undefined);
    const figures = figuresByFile(await this.files.figuresOfFiles(ordered.map((r) => r.id)));
    return {
      Files: ordered.map((file) =>
        selectFields(toImmFile(file, figures.get(file.id) ?? [], names(project, dataset)), withFields),
      ),
    };
  }

  /** DeleteFileMeta / BatchDeleteFileMeta: idempotent; a debounced clustering run then tidies the clusters. */
  async delete(projectName: string, datasetName: string, uris: string[]): Promise<EmptyResponse> {
    const { dataset } = await this.lookup.dataset(projectName, datasetName);
    await this.afterDelete(dataset.id, await this.files.deleteByUris(dataset.id, [...new Set(uris)]));
    return {};
  }

  /** Deletes the files under a binding's prefix URI (DeleteBinding with Cleanup). */
  async deleteUnderPrefix(datasetId: string, uriPrefix: string): Promise<number> {
    const deleted = await this.files.deleteByUriPrefix(datasetId, uriPrefix);
    await this.afterDelete(datasetId, deleted);
    return deleted.length;
  }

  /** Removes files of a dataset by URI without resolving names (bucket notifications). */
  async deleteInDataset(datasetId: string, uris: string[]): Promise<number> {
    const deleted = await this.files.deleteByUris(datasetId, uris);
    await this.afterDelete(datasetId, deleted);
    return deleted.length;
  }

  private async afterDelete(datasetId: string, deleted: Array<{ id: string }>): Promise<void> {
    if (deleted.length > 0) {
      await this.indexing.cancel(deleted.map((d) => d.id));
      await scheduleClusterRun(
        this.clusterQueue,
        { datasetId, trigger: 'files-deleted' },
        { debounceMs: this.config.CLUSTER_DEBOUNCE_MS, maxWaitMs: this.config.CLUSTER_MAX_WAIT_MS },
      );
    }
  }
}

function names(project: ProjectEntity, dataset: DatasetEntity): { projectName: string; datasetName: string } {
  return { projectName: project.name, datasetName: dataset.name };
}
