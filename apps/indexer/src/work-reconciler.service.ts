import { APP_CONFIG, IndexerConfig } from '@app/config';
import {
  addJob,
  clusterDebounce,
  ClusterDatasetJob,
  ClusterQueue,
  DomainEvent,
  IndexFileJob,
  IndexQueue,
  JobName,
  jobId,
  LIVE_JOB_STATES,
  QueueName,
  RefinedErrorCode,
  TaskStatus,
  TaskType,
} from '@app/contracts';
import { ReconciliationRepository, TaskRepository } from '@app/database';
import { DomainEventPublisher } from '@app/messaging';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';

/** Code of a task whose queued work was lost (Redis lost it, or a job stalled beyond its limit). */
export const WORK_LOST = RefinedErrorCode.WorkLost;
/** Most live jobs one pass reads per queue; beyond, the pass only re-enqueues and fails nothing. */
const MAX_SCANNED_JOBS = 50_000;
const BATCH = 500;

export interface ReconcileReport {
  reenqueuedFiles: number;
  scheduledClusterings: number;
  failedTasks: number;
}

/**
 * PostgreSQL is the source of truth for work; Redis only carries it. Every RECONCILE_INTERVAL_MS this compares
 * the two and repairs what an outage (Redis restarted or lost, Postgres down past the retry budget, a worker
 * killed twice during a job) left behind:
 * - a file `pending` for longer than RECONCILE_GRACE_MS without a live index job is enqueued again;
 * - a dataset with unclustered faces, no pending files and no live clustering job gets a debounced run;
 * - a Running IndexFileMeta or FaceClustering task older than the grace with no live job that can still end it
 *   fails with Code InternalError.WorkLost (its files are indexed or failed on their own).
 * Every action is idempotent (deterministic job ids, debounce, `finish` only moves Running tasks), so replicas
 * may run it at the same time without a leader.
 */
@Injectable()
export class WorkReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkReconciler.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: IndexerConfig,
    private readonly reconciliation: ReconciliationRepository,
    private readonly tasks: TaskRepository,
    private readonly events: DomainEventPublisher,
    @InjectQueue(QueueName.Index) private readonly indexQueue: Queue<IndexFileJob>,
    @InjectQueue(QueueName.Cluster) private readonly clusterQueue: Queue<ClusterDatasetJob>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RECONCILE_INTERVAL_MS <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const report = await this.reconcile();
      if (report.reenqueuedFiles + report.scheduledClusterings + report.failedTasks > 0) {
        this.logger.warn(
          `Reconciled: ${report.reenqueuedFiles} files re-enqueued, ${report.scheduledClusterings} clustering runs scheduled, ${report.failedTasks} tasks failed as ${WORK_LOST}`,
        );
      }
    } catch (error) {
      // An outage is what this repairs: it will be back on the next tick.
      this.logger.warn(`Reconciliation skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** One pass (also called by tests). */
  async reconcile(now = new Date()): Promise<ReconcileReport> {
    const before = new Date(now.getTime() - this.config.RECONCILE_GRACE_MS);
    const index = await this.liveJobs(this.indexQueue);
    const cluster = await this.liveJobs(this.clusterQueue);

    let reenqueuedFiles = 0;
    for (const file of await this.reconciliation.stalePendingFiles(before, BATCH)) {
      if (index.fileIds.has(file.id)) continue;
      // A failed or stale job would block the add.
      await this.indexQueue.remove(jobId.indexFile(file.id)).catch(() => 0);
      await addJob(this.indexQueue, IndexQueue, {
        name: JobName.IndexFile,
        fileId: file.id,
        datasetId: file.datasetId,
        uri: file.uri,
      });
      index.datasetIds.add(file.datasetId);
      reenqueuedFiles++;
    }

    const unclustered = await this.reconciliation.datasetsWithUnclusteredFaces(BATCH);
    const stillIndexing = await this.reconciliation.datasetsWithPendingFiles(unclustered);
    let scheduledClusterings = 0;
    for (const datasetId of unclustered) {
      // A pending file triggers the dataset's debounced run when it is indexed.
      if (stillIndexing.has(datasetId) || cluster.datasetIds.has(datasetId)) continue;
      await addJob(
        this.clusterQueue,
        ClusterQueue,
        { name: JobName.ClusterDataset, datasetId, trigger: 'debounce' },
        clusterDebounce(datasetId, this.config.CLUSTER_DEBOUNCE_MS),
      );
      scheduledClusterings++;
    }

    let failedTasks = 0;
    if (index.complete && cluster.complete) {
      const types = [TaskType.IndexFileMeta, TaskType.FaceClustering];
      for (const task of await this.reconciliation.staleRunningTasks(types, before, BATCH)) {
        if (await this.failIfLost(task, index, cluster)) failedTasks++;
      }
    }
    return { reenqueuedFiles, scheduledClusterings, failedTasks };
  }

  private async failIfLost(
    task: { id: string; taskType: string; datasetId: string | null },
    index: LiveJobs,
    cluster: LiveJobs,
  ): Promise<boolean> {
    const indexing = task.taskType === TaskType.IndexFileMeta;
    const live = indexing
      ? index.taskIds.has(task.id) || (task.datasetId !== null && index.datasetIds.has(task.datasetId))
      : cluster.taskIds.has(task.id) || (task.datasetId !== null && cluster.activeDatasetIds.has(task.datasetId));
    if (live) return false;
    const message = indexing
      ? 'The outcome of some files was lost (a queue outage or a worker that died twice); each file is indexed or failed on its own: GetFileMeta tells which.'
      : 'The clustering run was lost (a queue outage or a worker that died twice); the next run clusters the faces.';
    if (!(await this.tasks.finish(task.id, { status: TaskStatus.Failed, code: WORK_LOST, message }))) return false;
    const event = { taskId: task.id, datasetId: task.datasetId ?? '', status: TaskStatus.Failed };
    if (indexing) await this.events.publish(DomainEvent.IndexTaskFinished, event);
    else
      await this.events.publish(DomainEvent.ClusteringFinished, {
        ...event,
        newFaces: 0,
        createdClusters: 0,
        updatedClusters: 0,
      });
    return true;
  }

  private async liveJobs(queue: Queue<IndexFileJob> | Queue<ClusterDatasetJob>): Promise<LiveJobs> {
    const jobs = await queue.getJobs([...LIVE_JOB_STATES], 0, MAX_SCANNED_JOBS - 1);
    const active = await queue.getJobs(['active'], 0, MAX_SCANNED_JOBS - 1);
    const live: LiveJobs = {
      complete: jobs.length < MAX_SCANNED_JOBS,
      fileIds: new Set(),
      taskIds: new Set(),
      datasetIds: new Set(),
      activeDatasetIds: new Set(active.map((j) => (j?.data as { datasetId?: string } | undefined)?.datasetId ?? '')),
    };
    for (const job of jobs) {
      // Payloads are read loosely: the queue is an input boundary, a malformed job just counts for nothing.
      const data = job?.data as unknown as { fileId?: unknown; taskId?: unknown; datasetId?: unknown } | undefined;
      if (!data) continue;
      if (typeof data.fileId === 'string') live.fileIds.add(data.fileId);
      if (typeof data.taskId === 'string') live.taskIds.add(data.taskId);
      if (typeof data.datasetId === 'string') live.datasetIds.add(data.datasetId);
    }
    return live;
  }
}

interface LiveJobs {
  /** False when there were more live jobs than one pass reads: then no task is failed. */
  complete: boolean;
  fileIds: Set<string>;
  taskIds: Set<string>;
  datasetIds: Set<string>;
  activeDatasetIds: Set<string>;
}
