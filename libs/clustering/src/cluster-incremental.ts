import { toFigureClusterId } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import type { ClusteringOptions } from './clustering-options';
import type {
  BatchResult,
  ClusterDecision,
  ClusteringResult,
  ClusteringStage,
  FaceAssignment,
  FaceDecision,
  FaceInput,
  IncrementalInput,
} from './clustering.types';
import { RunState } from './run-state';
import { candidatePoolStage } from './stages/candidate-pool.stage';
import { joinExistingStage, joinNewStage, poolJoinExistingStage, reOfferStage } from './stages/join.stage';
import { mergeStage } from './stages/merge.stage';
import { peerGroupsStage } from './stages/peer-groups.stage';
import { seedStage } from './stages/seed.stage';
import { summariesStage } from './stages/summaries.stage';

/** IMM-style cluster id (the FigureClusterId codec of @app/contracts over a fresh uuid). */
export function defaultClusterId(): string {
  return toFigureClusterId(randomUUID());
}

/** One named step of a run over the shared RunState. */
export interface ClusteringStageStep {
  name: Exclude<ClusteringStage, 'summaries'>;
  run(state: RunState): Promise<void>;
}

/**
 * The stages of a run, in order (see each stage's doc and libs/clustering/README.md):
 * candidate-pool -> peer-groups -> join-existing -> pool-join-existing -> seed -> join-new -> re-offer -> merge,
 * then the summaries of what changed. Every join of a face goes through the JoinRule (join-rule.ts).
 */
export const CLUSTERING_STAGES: readonly ClusteringStageStep[] = [
  { name: 'candidate-pool', run: candidatePoolStage },
  { name: 'peer-groups', run: peerGroupsStage },
  { name: 'join-existing', run: joinExistingStage },
  { name: 'pool-join-existing', run: poolJoinExistingStage },
  { name: 'seed', run: seedStage },
  { name: 'join-new', run: joinNewStage },
  { name: 're-offer', run: reOfferStage },
  { name: 'merge', run: mergeStage },
];

function faceDecisions(s: RunState, assigned: number[]): FaceDecision[] {
  return assigned.map((i) => {
    const c = s.assignedTo[i];
    return {
      faceId: s.faces[i].faceId,
      clusterId: c < 0 ? null : s.root(s.clusters[c]).id,
      stage: s.stages[i],
      rule: s.rules[i],
      similarity: c < 0 ? 0 : s.assignedScore[i],
      bar: Number.isNaN(s.bars[i]) ? null : s.bars[i],
      nearest: c < 0 ? s.nearest(i) : null,
    };
  });
}

function clusterDecisions(s: RunState): ClusterDecision[] {
  return s.clusterDecisions.map((d) => {
    const c = s.clusters[d.cluster];
    return {
      clusterId: d.rule === 'merge-threshold' ? c.id : s.root(c).id,
      stage: d.stage,
      rule: d.rule,
      faces: d.faces,
      similarity: d.similarity,
      into: d.into < 0 ? null : s.clusters[d.into].id,
    };
  });
}

/**
 * One incremental run (IMM semantics): new faces join existing clusters under the JoinRule; the rest, with the
 * previous independents near them, are clustered by average linkage and groups with >= `minClusterImages` distinct
 * HD images become clusters (or join an existing cluster they match as a whole); leftovers may join the new
 * clusters and are offered once more to the clusters that grew; finally grown existing clusters are merged with
 * another existing cluster only when their mean pairwise cosine reaches `mergeThreshold`. Earlier assignments are
 * never undone except through such a recorded merge. Every outcome carries the stage and rule that made it
 * (`decisions`).
 *
 * Cost: O(new x (clusters + candidates)) dot products (onnxruntime by default) plus O(new log new) linkage.
 */
export async function clusterIncremental(
  input: IncrementalInput,
  newId: () => string = defaultClusterId,
): Promise<ClusteringResult> {
  const started = Date.now();
  const s = new RunState(input, newId);
  const nNew = s.nNew;

  const timings: Record<string, number> = {};
  let lap = Date.now();
  const mark = (phase: string): void => {
    const now = Date.now();
    timings[phase] = now - lap;
    lap = now;
  };
  mark('prepare');
  for (const stage of CLUSTERING_STAGES) {
    await stage.run(s);
    mark(stage.name);
  }

  // Every new face, and each candidate that joined a cluster in this run.
  const reported: number[] = [];
  for (let i = 0; i < s.faces.length; i++) if (i < nNew || s.assignedTo[i] >= 0) reported.push(i);
  const assignments: FaceAssignment[] = reported.map((i) => {
    const c = s.assignedTo[i];
    return {
      faceId: s.faces[i].faceId,
      clusterId: c < 0 ? null : s.root(s.clusters[c]).id,
      reason: s.reasons[i],
      similarity: c < 0 ? 0 : s.assignedScore[i],
    };
  });
  const { created: createdClusters, updated: updatedClusters } = summariesStage(s);
  const decisions = { faces: faceDecisions(s, reported), clusters: clusterDecisions(s) };
  mark('summaries');

  const merges = s.merges;
  const joinedExisting = assignments.filter((a) => a.reason === 'joined-existing').length;
  const joinedNew = assignments.filter((a) => a.reason === 'joined-new' || a.reason === 'seeded-new').length;
  return {
    assignments,
    createdClusters,
    updatedClusters,
    merges,
    decisions,
    stats: {
      newFaces: nNew,
      candidates: input.candidates.length,
      poolFaces: s.pool.length,
      joinedExisting,
      joinedNew,
      independent: assignments.filter((a) => a.clusterId === null).length,
      createdClusters: createdClusters.length,
      merges: merges.length,
      millis: Date.now() - started,
      timings,
    },
  };
}

/**
 * Clusters all faces at once (full rebuild; also the benchmark's reference): the same algorithm as an
 * incremental run from an empty state, so both paths share every threshold.
 */
export async function clusterBatch(
  faces: FaceInput[],
  options?: Partial<ClusteringOptions>,
  newId: () => string = defaultClusterId,
): Promise<BatchResult> {
  const result = await clusterIncremental({ clusters: [], candidates: [], newFaces: faces, options }, newId);
  return {
    assignments: result.assignments,
    clusters: result.createdClusters,
    decisions: result.decisions,
    stats: result.stats,
  };
}
