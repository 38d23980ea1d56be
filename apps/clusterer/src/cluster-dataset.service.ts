import { APP_CONFIG, ClustererConfig } from '@app/config';
import { ClusterDatasetJob, DomainEvent, newEventId, newTaskId, TaskStatus, TaskType } from '@app/contracts';
import { ClusteringTransaction, DatasetRepository, FigureClusterRepository, TaskRepository } from '@app/database';
import { ClusteringIndex, ClusteringIndexChange, ClusteringResult, deserializeSummary } from '@app/clustering';
import { MetricsService } from '@app/observability';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CLUSTER_RUN_HOOKS, ClusterRunHooks } from './cluster-run.hooks';
import {
  applyResult,
  rebuildStale,
  refreshStatistics,
  repairDrift,
  runClustering,
  RunWrites,
  scopeRun,
  StaleRebuild,
  toFaceInput,
  touchedMembers,
} from './cluster-run.steps';
import { ClusteringIndexRegistry } from './clustering-index.registry';
import { DomainEventPublisher } from '@app/messaging';

export interface RunContext {
  /** True when BullMQ will not retry this job again: a failure then ends the task as Failed. */
  lastAttempt: boolean;
  attempt: number;
  /** Persists a debounced run's own task id on the job, so a retry reuses the same task. */
  rememberTaskId(taskId: string): Promise<void>;
}

export interface RunSummary {
  newFaces: number;
  candidates: number;
  joinedExisting: number;
  independent: number;
  createdClusters: number;
  updatedClusters: number;
  merges: number;
  deletedClusters: number;
  rebuiltClusters: number;
  generation: number;
}

interface RunResult {
  summary: RunSummary;
  /** What the committed run changed, for the dataset's in-memory index. */
  index: { from: number; to: number; change: ClusteringIndexChange };
}

export type RunOutcome =
  | { kind: 'gone' }
  | { kind: 'nothing-to-do' }
  | { kind: 'locked'; taskId: string }
  | { kind: 'done'; taskId: string; summary: RunSummary };

/** The task's figures for one committed run. */
function summarize(
  result: ClusteringResult | null,
  newFaces: number,
  candidates: number,
  writes: RunWrites,
  members: Map<string, unknown[]>,
  empty: string[],
  stale: StaleRebuild,
  generation: number,
): RunSummary {
  const createdIds = new Set(result?.createdClusters.map((c) => c.clusterId) ?? []);
  return {
    newFaces,
    candidates,
    joinedExisting: result?.stats.joinedExisting ?? 0,
    independent: result?.stats.independent ?? 0,
    createdClusters: result?.createdClusters.filter((c) => !empty.includes(c.clusterId)).length ?? 0,
    updatedClusters: [...writes.touched].filter((id) => !createdIds.has(id) && members.has(id)).length,
    merges: result?.merges.length ?? 0,
    deletedClusters: writes.changes.filter((c) => c.kind === 'delete').length + (result?.merges.length ?? 0),
    rebuiltClusters: stale.rebuilt.size,
    generation,
  };
}

/**
 * One clustering run of one dataset (IMM FaceClustering task). The whole run is one database transaction
 * holding the dataset's advisory lock: rebuild clusters that lost faces, cluster the new faces incrementally
 * (loading only the clusters and candidates the dataset's in-memory index shortlists for them), write
 * assignments, clusters, merges and exact statistics, bump the dataset's cluster generation; after the commit,
 * update the index.
 */
@Injectable()
export class ClusterDatasetService {
  private readonly logger = new Logger(ClusterDatasetService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: ClustererConfig,
    private readonly datasets: DatasetRepository,
    private readonly clusters: FigureClusterRepository,
    private readonly tasks: TaskRepository,
    private readonly events: DomainEventPublisher,
    private readonly indexes: ClusteringIndexRegistry,
    @Optional() @Inject(CLUSTER_RUN_HOOKS) private readonly hooks: ClusterRunHooks | null,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async run(job: ClusterDatasetJob, context: RunContext): Promise<RunOutcome> {
    const dataset = await this.datasets.findById(job.datasetId);
    if (!dataset) {
      if (job.taskId) {
        await this.tasks.finish(job.taskId, {
          status: 'Failed',
          code: 'ResourceNotFound',
          message: 'The dataset no longer exists.',
        });
      }
      return { kind: 'gone' };
    }

    let taskId = job.taskId;
    if (!taskId) {
      // A debounce window may close on files whose faces were all clustered already (or that failed): no task.
      if (job.trigger === 'debounce' && !(await this.clusters.hasClusteringWork(dataset.id)))
        return { kind: 'nothing-to-do' };
      taskId = newTaskId(TaskType.FaceClustering);
      await this.tasks.create({
        id: taskId,
        projectId: dataset.projectId,
        datasetId: dataset.id,
        taskType: TaskType.FaceClustering,
        eventId: newEventId(),
        details: { Trigger: job.trigger },
        ttlDays: this.config.TASK_TTL_DAYS,
      });
      await context.rememberTaskId(taskId);
    }

    try {
      const started = Date.now();
      const run = await this.clusters.runClusteringTransaction(dataset.id, (tx) => this.cluster(tx, taskId, context));
      if (!run.acquired) return { kind: 'locked', taskId };
      // Committed: only now may the in-memory index follow.
      const { from, to, change } = run.result.index;
      this.indexes.committed(dataset.id, from, to, change);
      const s = run.result.summary;
      this.metrics?.observeClusterRun(Date.now() - started, s.newFaces);
      const finished = await this.tasks.finish(taskId, {
        status: TaskStatus.Succeeded,
        details: {
          Trigger: job.trigger,
          NewFaces: s.newFaces,
          Candidates: s.candidates,
          JoinedExisting: s.joinedExisting,
          Independent: s.independent,
          CreatedClusters: s.createdClusters,
          UpdatedClusters: s.updatedClusters,
          Merges: s.merges,
          DeletedClusters: s.deletedClusters,
          RebuiltClusters: s.rebuiltClusters,
          Generation: s.generation,
        },
      });
      if (finished) {
        await this.events.publish(DomainEvent.ClusteringFinished, {
          taskId,
          datasetId: dataset.id,
          status: TaskStatus.Succeeded,
          newFaces: s.newFaces,
          createdClusters: s.createdClusters,
          updatedClusters: s.updatedClusters,
        });
      }
      this.logger.log(
        `Dataset ${dataset.id} run ${taskId}: ${s.newFaces} new faces, +${s.createdClusters} clusters, ~${s.updatedClusters}, -${s.deletedClusters}, ${s.merges} merges`,
      );
      return { kind: 'done', taskId, summary: s };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Dataset ${dataset.id} run ${taskId} attempt ${context.attempt} failed: ${message}`);
      if (context.lastAttempt) {
        await this.tasks.finish(taskId, {
          status: TaskStatus.Failed,
          code: 'InternalError',
          message: `Clustering failed: ${message}`,
        });
        await this.events.publish(DomainEvent.ClusteringFinished, {
          taskId,
          datasetId: dataset.id,
          status: TaskStatus.Failed,
          newFaces: 0,
          createdClusters: 0,
          updatedClusters: 0,
        });
      }
      throw error;
    }
  }

  /**
   * The run inside the transaction, as its steps (cluster-run.steps.ts): rebuild stale clusters, scope the new
   * faces through the dataset's index, run the clustering, apply its result, repair summaries that drifted, refresh
   * the statistics; then bump the generation.
   */
  private async cluster(tx: ClusteringTransaction, taskId: string, context: RunContext): Promise<RunResult> {
    const writes = new RunWrites();
    const startGeneration = await tx.generation();

    const stale = await rebuildStale(tx, writes);
    await this.tasks.setProgress(taskId, 10);

    const newFaces = (await tx.facesInState('unavailable')).map(toFaceInput);
    let result: ClusteringResult | null = null;
    let candidates = 0;
    if (newFaces.length > 0) {
      const index = await this.indexes.get(tx.datasetId, startGeneration, () =>
        this.buildIndex(tx, newFaces[0].embedding.length),
      );
      const scoped = await scopeRun(tx, index, newFaces, stale);
      candidates = scoped.candidates;
      result = await runClustering(scoped.input);
      await this.tasks.setProgress(taskId, 50);
      await applyResult(tx, result, writes);
    }

    const members = await touchedMembers(tx, writes);
    await repairDrift(tx, writes, members);
    const empty = await refreshStatistics(tx, taskId, writes, members);
    const generation = await tx.bumpGeneration();
    await this.tasks.setProgress(taskId, 90);

    await this.hooks?.insideRun?.({ datasetId: tx.datasetId, taskId, attempt: context.attempt });

    return {
      summary: summarize(result, newFaces.length, candidates, writes, members, empty, stale, generation),
      index: {
        from: startGeneration,
        to: generation,
        change: {
          result,
          newFaces,
          rebuilt: [...writes.summaries.values()],
          deletedClusters: [...stale.emptied, ...empty],
        },
      },
    };
  }

  /** The dataset's search index from its committed state, read in pages (cold start or another replica ran). */
  private async buildIndex(tx: ClusteringTransaction, dim: number): Promise<ClusteringIndex> {
    const started = Date.now();
    const index = ClusteringIndex.create(dim);
    const page = 2000;
    for (let after: string | null = null; ;) {
      const rows = await tx.summaryPage(after, page);
      await index.addClusters(rows.flatMap((r) => (r.summary ? [deserializeSummary(r.summary)] : [])));
      if (rows.length < page) break;
      after = rows[rows.length - 1].id;
    }
    for (let after: string | null = null; ;) {
      const rows = await tx.independentFacePage(after, page);
      await index.addCandidates(rows.map(toFaceInput));
      if (rows.length < page) break;
      after = rows[rows.length - 1].id;
    }
    this.logger.log(
      `Dataset ${tx.datasetId}: index built with ${index.clusters.size} clusters and ${index.candidates.size} independent faces in ${Date.now() - started} ms`,
    );
    return index;
  }
}
