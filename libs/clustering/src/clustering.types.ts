import type { NeighbourIndexFactory } from './neighbour-index';

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

export interface ClusteringOptions {
  /** Average-linkage threshold: mean pairwise cosine between two groups needed to merge them. */
  linkageThreshold: number;
  /** Mean cosine of an HD face to an existing cluster's members needed to join it. */
  joinThreshold: number;
  /** Same for non-HD faces (stricter or equal). */
  joinThresholdNonHD: number;
  /**
   * Extra mean cosine a face needs to join a cluster of n members: `smallClusterMargin / n` on top of its join
   * threshold. The mean over few members is noisy, and one wrong face in a small cluster pulls its mean towards
   * the wrong person, so that more of that person follow (drift).
   */
  smallClusterMargin: number;
  /**
   * A face must also reach this share of the cluster's own cohesion (the mean pairwise cosine of its members,
   * exact from `sum` and `count`) to join it: a tight cluster asks more of a newcomer than a loose one.
   */
  cohesionRatio: number;
  /**
   * The same share for non-HD faces. Their embeddings are noisier, so the right ones sit lower against a
   * cluster's cohesion (median 0.92 vs 1.02 for HD members of the same clusters on LFW-dev).
   */
  cohesionRatioNonHD: number;
  /** Mean pairwise cosine between two existing clusters for an automatic merge ("overwhelming evidence"). */
  mergeThreshold: number;
  /** Distinct HD images needed to create a cluster (IMM: 3). */
  minClusterImages: number;
  /** Neighbours per face in the kNN graph. */
  knn: number;
  /** Graph edges below this cosine are ignored (they can never carry a merge at the thresholds above). */
  minEdgeSimilarity: number;
  /** Existing clusters considered per face / per cluster. */
  clusterCandidates: number;
  /** Representative embeddings kept per cluster summary. */
  maxRepresentatives: number;
  /** Compute backend for exact/approximate kNN; defaults to onnxruntime with a plain-JS fallback. */
  indexFactory?: NeighbourIndexFactory;
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
  stats: ClusteringRunStats;
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
  stats: ClusteringRunStats;
}
