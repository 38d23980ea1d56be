import { APP_CONFIG, ClustererConfig } from '@app/config';
import { ClusterDatasetJob, DomainEvent, newEventId, newTaskId, TaskStatus, TaskType } from '@app/contracts';
import {
  ClusterChangeRow,
  ClusteringFaceRow,
  ClusteringTransaction,
  ClusterMemberRow,
  ClusterStatsRow,
  DatasetRepository,
  FigureClusterRepository,
  TaskRepository,
} from '@app/database';
import {
  buildSummary,
  chooseCover,
  clusterIncremental,
  ClusteringIndex,
  ClusteringIndexChange,
  ClusteringResult,
  ClusterSummary,
  computeClusterStats,
  deserializeSummary,
  FaceInput,
  serializeSummary,
} from '@app/clustering';
import { MetricsService } from '@app/observability';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLUSTER_RUN_HOOKS, ClusterRunHooks } from './cluster-run.hooks';
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

/** Embeddings are stored as float32 little-endian. */
export function bufferToEmbedding(buffer: Buffer): Float32Array {
  const out = new Float32Array(buffer.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readFloatLE(i * 4);
  return out;
}

function toFaceInput(row: ClusteringFaceRow): FaceInput {
  return {
    faceId: row.id,
    imageId: row.fileId,
    embedding: bufferToEmbedding(row.embedding),
    isHD: row.isHD,
    quality: row.faceQuality,
  };
}

/** Exact IMM statistics and the best cover of one cluster, from its member rows. */
export function statsOf(clusterId: string, members: ClusterMemberRow[]): ClusterStatsRow {
  const stats = computeClusterStats(
    members.map((m) => ({
      imageId: m.fileId,
      age: m.age ?? undefined,
      gender: m.gender === 'male' || m.gender === 'female' ? m.gender : undefined,
      genderConfidence: m.genderConfidence ?? undefined,
      isHD: m.isHD,
    })),
  );
  const cover = chooseCover(
    members.map((m) => ({
      faceId: m.id,
      quality: m.faceQuality,
      sharpness: m.sharpness ?? undefined,
      headPose:
        m.pitch !== null && m.roll !== null && m.yaw !== null
          ? { pitch: m.pitch, roll: m.roll, yaw: m.yaw }
          : undefined,
      eyesOpen: m.eyesOpen ?? undefined,
      width: m.width,
      height: m.height,
      isHD: m.isHD,
    })),
  );
  return {
    id: clusterId,
    faceCount: stats.faceCount,
    imageCount: stats.imageCount,
    gender: stats.gender ?? null,
    averageAge: stats.averageAge ?? null,
    minAge: stats.minAge ?? null,
    maxAge: stats.maxAge ?? null,
    coverFigureId: cover?.faceId ?? null,
  };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
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

  private async cluster(tx: ClusteringTransaction, taskId: string, context: RunContext): Promise<RunResult> {
    const changes: ClusterChangeRow[] = [];
    const startGeneration = await tx.generation();

    // 1. Clusters whose members changed outside a run (files deleted or re-indexed): rebuild or delete.
    const stale = await tx.staleClusters();
    const emptied = stale.filter((c) => c.actual === 0).map((c) => c.id);
    const rebuilt = stale.filter((c) => c.actual > 0).map((c) => c.id);
    const rebuiltMembers = groupBy(await tx.facesOfClusters(rebuilt), (f) => f.clusterId!);
    const rebuiltSummaries = new Map<string, ClusterSummary>(
      rebuilt.map((id) => [id, buildSummary(id, rebuiltMembers.get(id)!.map(toFaceInput))]),
    );
    await tx.deleteClusters(emptied);
    for (const id of emptied)
      changes.push({ kind: 'delete', fromClusterId: id, intoClusterId: null, reason: 'no faces left' });
    await this.tasks.setProgress(taskId, 10);

    // 2. The incremental run: the new faces, and only the clusters and earlier independents (candidates) the
    //    dataset's index shortlists for them.
    const newFaceRows = await tx.facesInState('unavailable');
    const newFaces = newFaceRows.map(toFaceInput);
    const touched = new Set<string>(rebuilt);
    const toWrite = new Map<string, ClusterSummary>(rebuiltSummaries);
    let result: ClusteringResult | null = null;
    let candidates = 0;
    if (newFaces.length > 0) {
      const index = await this.indexes.get(tx.datasetId, startGeneration, () =>
        this.buildIndex(tx, newFaces[0].embedding.length),
      );
      const deleted = new Set(emptied);
      const { input, stats } = await index.scope(newFaces, {
        clusters: async (ids) => {
          const fromDb = ids.filter((id) => !rebuiltSummaries.has(id) && !deleted.has(id));
          const rows = await tx.summariesOf(fromDb);
          return [
            ...ids.flatMap((id) => rebuiltSummaries.get(id) ?? []),
            ...rows.flatMap((r) => (r.summary ? [deserializeSummary(r.summary)] : [])),
          ];
        },
        candidates: async (ids) => (await tx.independentFaces(ids)).map(toFaceInput),
      });
      candidates = stats.candidates;
      result = await clusterIncremental(input, () => randomUUID());
      await this.tasks.setProgress(taskId, 50);

      // 3. Writes: new clusters first (faces reference them), then assignments, merges, summaries.
      await tx.insertClusters(result.createdClusters.map((s) => ({ id: s.clusterId, summary: serializeSummary(s) })));
      await tx.assign(result.assignments.map((a) => ({ figureId: a.faceId, clusterId: a.clusterId })));
      for (const merge of result.merges) {
        await tx.mergeCluster(merge.from, merge.into);
        touched.delete(merge.from);
        toWrite.delete(merge.from);
        touched.add(merge.into);
        changes.push({
          kind: 'merge',
          fromClusterId: merge.from,
          intoClusterId: merge.into,
          reason: `${merge.reason} (mean cosine ${merge.similarity.toFixed(3)})`,
        });
      }
      for (const s of [...result.createdClusters, ...result.updatedClusters]) {
        touched.add(s.clusterId);
        toWrite.set(s.clusterId, s);
      }
    }

    // 4. Exact statistics and the best cover of every touched cluster, from its member rows.
    const touchedIds = [...touched];
    const members = groupBy(await tx.members(touchedIds), (m) => m.clusterId);
    const empty = touchedIds.filter((id) => !members.has(id));
    // Faces deleted while this run was computing: the summary must count exactly the members (FaceCount), or the
    // next run's stale check (FaceCount vs members) would miss the difference. Rare; rebuilt from the members.
    const drifted = [...toWrite.values()].filter(
      (s) => members.has(s.clusterId) && members.get(s.clusterId)!.length !== s.count,
    );
    if (drifted.length > 0) {
      const faces = groupBy(await tx.facesOfClusters(drifted.map((s) => s.clusterId)), (f) => f.clusterId!);
      for (const s of drifted)
        toWrite.set(s.clusterId, buildSummary(s.clusterId, faces.get(s.clusterId)!.map(toFaceInput)));
    }
    for (const id of empty) toWrite.delete(id);
    await tx.updateSummaries([...toWrite.values()].map((s) => ({ id: s.clusterId, summary: serializeSummary(s) })));
    await tx.writeStats(touchedIds.filter((id) => members.has(id)).map((id) => statsOf(id, members.get(id)!)));
    // Faces deleted while this run was computing can leave a just-touched cluster empty.
    await tx.deleteClusters(empty);
    for (const id of empty)
      changes.push({ kind: 'delete', fromClusterId: id, intoClusterId: null, reason: 'no faces left' });
    await tx.recordChanges(taskId, changes);
    const generation = await tx.bumpGeneration();
    await this.tasks.setProgress(taskId, 90);

    await this.hooks?.insideRun?.({ datasetId: tx.datasetId, taskId, attempt: context.attempt });

    const createdIds = new Set(result?.createdClusters.map((c) => c.clusterId) ?? []);
    return {
      summary: {
        newFaces: newFaces.length,
        candidates,
        joinedExisting: result?.stats.joinedExisting ?? 0,
        independent: result?.stats.independent ?? 0,
        createdClusters: result?.createdClusters.filter((c) => !empty.includes(c.clusterId)).length ?? 0,
        updatedClusters: touchedIds.filter((id) => !createdIds.has(id) && members.has(id)).length,
        merges: result?.merges.length ?? 0,
        deletedClusters: changes.filter((c) => c.kind === 'delete').length + (result?.merges.length ?? 0),
        rebuiltClusters: rebuilt.length,
        generation,
      },
      index: {
        from: startGeneration,
        to: generation,
        change: {
          result,
          newFaces,
          rebuilt: [...toWrite.values()],
          deletedClusters: [...emptied, ...empty],
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
