import {
  ClusterChangeRow,
  ClusteringFaceRow,
  ClusteringTransaction,
  ClusterMemberRow,
  ClusterStatsRow,
} from '@app/database';
import {
  buildSummary,
  chooseCover,
  clusterIncremental,
  ClusteringIndex,
  ClusteringResult,
  ClusterSummary,
  computeClusterStats,
  deserializeSummary,
  FaceInput,
  IncrementalInput,
  serializeSummary,
} from '@app/clustering';
import { decodeEmbedding } from '@app/contracts';
import { randomUUID } from 'node:crypto';

/**
 * The steps of one clustering run of one dataset, in order, each over the run's transaction and the RunWrites it
 * fills: rebuildStale -> scopeRun -> runClustering -> applyResult -> repairDrift -> refreshStatistics. The service
 * (cluster-dataset.service.ts) calls them inside the dataset's clustering transaction.
 */

export function toFaceInput(row: ClusteringFaceRow): FaceInput {
  return {
    faceId: row.id,
    imageId: row.fileId,
    embedding: decodeEmbedding(row.embedding),
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

export function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** What a run writes, filled step by step. */
export class RunWrites {
  /** Change log rows (deletes, merges) for the task. */
  readonly changes: ClusterChangeRow[] = [];
  /** Clusters whose members changed: their statistics are recomputed. */
  readonly touched = new Set<string>();
  /** Summaries to write, by cluster id. */
  readonly summaries = new Map<string, ClusterSummary>();
  /** Clusters deleted because they had no faces left (stale at the start, or emptied while the run computed). */
  readonly deleted: string[] = [];

  recordDelete(id: string): void {
    this.deleted.push(id);
    this.changes.push({ kind: 'delete', fromClusterId: id, intoClusterId: null, reason: 'no faces left' });
  }
}

/** Outcome of rebuildStale. */
export interface StaleRebuild {
  /** Stale clusters with faces left, rebuilt from their members. */
  rebuilt: Map<string, ClusterSummary>;
  /** Stale clusters without faces, deleted. */
  emptied: string[];
}

/**
 * Step 1, rebuild stale: clusters whose members changed outside a run (files deleted or re-indexed) are rebuilt
 * from their members, or deleted when none is left.
 */
export async function rebuildStale(tx: ClusteringTransaction, writes: RunWrites): Promise<StaleRebuild> {
  const stale = await tx.staleClusters();
  const emptied = stale.filter((c) => c.actual === 0).map((c) => c.id);
  const rebuiltIds = stale.filter((c) => c.actual > 0).map((c) => c.id);
  const members = groupBy(await tx.facesOfClusters(rebuiltIds), (f) => f.clusterId!);
  const rebuilt = new Map<string, ClusterSummary>(
    rebuiltIds.map((id) => [id, buildSummary(id, members.get(id)!.map(toFaceInput))]),
  );
  await tx.deleteClusters(emptied);
  for (const id of emptied) writes.recordDelete(id);
  for (const [id, summary] of rebuilt) {
    writes.touched.add(id);
    writes.summaries.set(id, summary);
  }
  return { rebuilt, emptied };
}

/**
 * Step 2, scope: the run's input: the new faces, and only the clusters and earlier independents (candidates) the
 * dataset's index shortlists for them; rebuilt summaries replace the stored ones, deleted clusters are left out.
 */
export async function scopeRun(
  tx: ClusteringTransaction,
  index: ClusteringIndex,
  newFaces: FaceInput[],
  stale: StaleRebuild,
): Promise<{ input: IncrementalInput; candidates: number }> {
  const deleted = new Set(stale.emptied);
  const { input, stats } = await index.scope(newFaces, {
    clusters: async (ids) => {
      const fromDb = ids.filter((id) => !stale.rebuilt.has(id) && !deleted.has(id));
      const rows = await tx.summariesOf(fromDb);
      return [
        ...ids.flatMap((id) => stale.rebuilt.get(id) ?? []),
        ...rows.flatMap((r) => (r.summary ? [deserializeSummary(r.summary)] : [])),
      ];
    },
    candidates: async (ids) => (await tx.independentFaces(ids)).map(toFaceInput),
  });
  return { input, candidates: stats.candidates };
}

/** Step 3, run: the incremental clustering itself (pure); cluster ids are plain uuids in the database. */
export function runClustering(input: IncrementalInput): Promise<ClusteringResult> {
  return clusterIncremental(input, () => randomUUID());
}

/** Step 4, apply: new clusters first (faces reference them), then assignments, merges, summaries. */
export async function applyResult(
  tx: ClusteringTransaction,
  result: ClusteringResult,
  writes: RunWrites,
): Promise<void> {
  await tx.insertClusters(result.createdClusters.map((s) => ({ id: s.clusterId, summary: serializeSummary(s) })));
  await tx.assign(result.assignments.map((a) => ({ figureId: a.faceId, clusterId: a.clusterId })));
  for (const merge of result.merges) {
    await tx.mergeCluster(merge.from, merge.into);
    writes.touched.delete(merge.from);
    writes.summaries.delete(merge.from);
    writes.touched.add(merge.into);
    writes.changes.push({
      kind: 'merge',
      fromClusterId: merge.from,
      intoClusterId: merge.into,
      reason: `${merge.reason} (mean cosine ${merge.similarity.toFixed(3)})`,
    });
  }
  for (const s of [...result.createdClusters, ...result.updatedClusters]) {
    writes.touched.add(s.clusterId);
    writes.summaries.set(s.clusterId, s);
  }
}

/** The member rows of every touched cluster, by cluster id (a touched cluster without members is absent). */
export async function touchedMembers(
  tx: ClusteringTransaction,
  writes: RunWrites,
): Promise<Map<string, ClusterMemberRow[]>> {
  return groupBy(await tx.members([...writes.touched]), (m) => m.clusterId);
}

/**
 * Step 5, drift repair: faces deleted while this run was computing. A summary must count exactly the members
 * (FaceCount), or the next run's stale check (FaceCount vs members) would miss the difference: such summaries are
 * rebuilt from the members (rare). Returns the ids rebuilt.
 */
export async function repairDrift(
  tx: ClusteringTransaction,
  writes: RunWrites,
  members: Map<string, ClusterMemberRow[]>,
): Promise<string[]> {
  const drifted = [...writes.summaries.values()]
    .filter((s) => members.has(s.clusterId) && members.get(s.clusterId)!.length !== s.count)
    .map((s) => s.clusterId);
  if (drifted.length > 0) {
    const faces = groupBy(await tx.facesOfClusters(drifted), (f) => f.clusterId!);
    for (const id of drifted) writes.summaries.set(id, buildSummary(id, faces.get(id)!.map(toFaceInput)));
  }
  return drifted;
}

/**
 * Step 6, refresh statistics: writes the summaries, the exact statistics and cover of every touched cluster with
 * members, deletes the touched clusters left without members (faces deleted while the run computed), and records
 * the change log. Returns the ids deleted here.
 */
export async function refreshStatistics(
  tx: ClusteringTransaction,
  taskId: string,
  writes: RunWrites,
  members: Map<string, ClusterMemberRow[]>,
): Promise<string[]> {
  const touchedIds = [...writes.touched];
  const empty = touchedIds.filter((id) => !members.has(id));
  for (const id of empty) writes.summaries.delete(id);
  await tx.updateSummaries(
    [...writes.summaries.values()].map((s) => ({ id: s.clusterId, summary: serializeSummary(s) })),
  );
  await tx.writeStats(touchedIds.filter((id) => members.has(id)).map((id) => statsOf(id, members.get(id)!)));
  await tx.deleteClusters(empty);
  for (const id of empty) writes.recordDelete(id);
  await tx.recordChanges(taskId, writes.changes);
  return empty;
}
