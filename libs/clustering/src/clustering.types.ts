import type { ClusteringOptions } from './clustering-options';

/** One detected face handed to the clusterer. The embedding need not be unit length (it is normalised). */
export interface FaceInput {
  faceId: string;
  imageId: string;
  embedding: Float32Array;
  /** HD faces may seed clusters; non-HD faces may only join an existing cluster. */
  isHD: boolean;
  /** Face quality in [0, 1]; used to pick representative embeddings. */
  quality: number;
}

/**
 * Compact persisted state of one cluster (the caller stores it, e.g. `serializeSummary` -> bytea).
 * Enough to extend the cluster incrementally without loading its member faces.
 */
export interface ClusterSummary {
  clusterId: string;
  /** Number of member faces. */
  count: number;
  /** Sum of the members' L2-normalised embeddings (length = dim). sum·x / count = mean cosine of x to members. */
  sum: Float32Array;
  /** Up to `maxRepresentatives` member embeddings (unit length), row-major. */
  representatives: Float32Array;
  representativeFaceIds: string[];
  representativeQualities: number[];
  /** Sorted FNV-1a hashes of the members' image ids: the "never two faces of one image" check. */
  imageHashes: Uint32Array;
}

export type FaceAssignmentReason = 'joined-existing' | 'seeded-new' | 'joined-new' | 'independent';

export interface FaceAssignment {
  faceId: string;
  /** null: independent (no cluster); the face stays a candidate for later runs. */
  clusterId: string | null;
  reason: FaceAssignmentReason;
  /** Mean cosine to the chosen cluster's members at decision time (0 for independents). */
  similarity: number;
}

export interface ClusterMerge {
  from: string;
  into: string;
  reason: 'average-linkage';
  /** Mean pairwise cosine between the two clusters when merged. */
  similarity: number;
}

export interface ClusteringRunStats {
  newFaces: number;
  candidates: number;
  poolFaces: number;
  joinedExisting: number;
  joinedNew: number;
  independent: number;
  createdClusters: number;
  merges: number;
  millis: number;
  /** Wall-clock milliseconds per phase. */
  timings: Record<string, number>;
}

export interface ClusteringResult {
  /** Every new face, plus each previous candidate that now joined a cluster. */
  assignments: FaceAssignment[];
  createdClusters: ClusterSummary[];
  /** Existing clusters whose summary changed (new members or absorbed a merged cluster). */
  updatedClusters: ClusterSummary[];
  /** Existing clusters merged into another; `from` no longer exists, its faces belong to `into`. */
  merges: ClusterMerge[];
  /** Which stage and rule made each outcome of the run. */
  decisions: RunDecisions;
  stats: ClusteringRunStats;
}

/** The named stages of a run, in order (see cluster-incremental.ts). */
export type ClusteringStage =
  | 'candidate-pool'
  | 'peer-groups'
  | 'join-existing'
  | 'pool-join-existing'
  | 'seed'
  | 'join-new'
  | 're-offer'
  | 'merge'
  | 'summaries';

/**
 * The rule behind a face's outcome: `join-rule` (it passed the JoinRule against a cluster), `group-match` (its
 * seed group matched an existing cluster as a whole), `seed-group` (its group seeded a new cluster), `no-cluster`
 * (nothing admitted it: it stays independent).
 */
export type FaceRule = 'join-rule' | 'group-match' | 'seed-group' | 'no-cluster';

/** What kept a face out of a cluster it was scored against (see JoinRule). */
export type JoinBlock = 'join-bar' | 'peer-floor' | 'same-image';

export interface FaceDecision {
  faceId: string;
  /** The face's cluster after the run (as in its assignment), or null. */
  clusterId: string | null;
  /** The stage that placed the face; null for an independent face (no stage placed it). */
  stage: ClusteringStage | null;
  rule: FaceRule;
  /** Mean cosine to the cluster's members when placed (0 for independents). */
  similarity: number;
  /** The bar it had to reach (join-rule: its join bar; group-match: groupMatchThreshold); null otherwise. */
  bar: number | null;
  /**
   * For an independent face: the best-scoring cluster it was offered and what kept it out, or null when no
   * cluster was within its shortlist.
   */
  nearest: { clusterId: string; similarity: number; bar: number; blockedBy: JoinBlock } | null;
}

export interface ClusterDecision {
  /** The cluster the decision is about (created, joined by a group, or merged away). */
  clusterId: string;
  stage: ClusteringStage;
  /** `seed-group`: created from a group; `group-match`: a group joined it as a whole; `merge-threshold`: merged. */
  rule: 'seed-group' | 'group-match' | 'merge-threshold';
  /** Faces of the group (seed-group, group-match); faces of the merged cluster (merge-threshold). */
  faces: number;
  /** seed-group: the group's mean pairwise cosine; group-match and merge-threshold: the linkage that passed. */
  similarity: number;
  /** merge-threshold: the surviving cluster; otherwise null. */
  into: string | null;
}

export interface RunDecisions {
  /** One per assignment, in the same order. */
  faces: FaceDecision[];
  clusters: ClusterDecision[];
}

export interface IncrementalInput {
  clusters: ClusterSummary[];
  /** Faces left independent by earlier runs (still candidates). */
  candidates: FaceInput[];
  newFaces: FaceInput[];
  options?: Partial<ClusteringOptions>;
}

export interface BatchResult {
  /** One entry per input face, in input order. */
  assignments: FaceAssignment[];
  clusters: ClusterSummary[];
  decisions: RunDecisions;
  stats: ClusteringRunStats;
}
