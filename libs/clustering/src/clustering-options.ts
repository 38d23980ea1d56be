import type { NeighbourIndexFactory } from './neighbour-index';

/**
 * Every tunable of the clustering library, in two groups:
 * - decision options decide which face goes where (changing one changes results);
 * - search options bound how far a run looks and what it keeps (at their defaults they never change a decision
 *   that the thresholds could make: a face's mean cosine to a cluster is at most its cosine to the cluster's
 *   direction, and the shortlists are wide enough to hold everything that could pass).
 * Defaults were measured on LFW-dev with the project's 512-d model (same-person cosine ~0.68, different ~0.005);
 * the measurements are in docs/decisions/clustering-thresholds.md.
 */
export interface DecisionOptions {
  /**
   * Average linkage (seeding): mean pairwise cosine two groups of unassigned faces need to merge into one group.
   * 0.46: below it pairwise precision fell (a 3-photo person drifted into a lookalike's group), above it recall.
   */
  linkageThreshold: number;
  /**
   * Mean pairwise cosine a whole group (a seed, or a peer group) needs with an existing cluster to be taken as the
   * same person: the group then joins that cluster instead of seeding a duplicate, and its faces are not held back
   * from it. Same value as `linkageThreshold` (0.46): the group-to-cluster test is the linkage test between the
   * group and the cluster.
   */
  groupMatchThreshold: number;
  /**
   * Mean cosine of a face to a cluster's members needed to join it (HD and non-HD alike). 0.41 rather than 0.40:
   * faces of lookalikes with one photo reach 0.40-0.42 against big loose clusters, and in 2 of 20 orders of the
   * benchmark 3-4 photos of one person joined a 42-face cluster that way.
   */
  joinThreshold: number;
  /**
   * Extra mean cosine a face needs to join a cluster of n members: `smallClusterMargin / n` on top of
   * `joinThreshold` (0.12: 0.45 for 3 members, 0.422 for 10, 0.4112 for 100). The mean over few members is noisy,
   * and one wrong face in a small cluster pulls its mean towards the wrong person so that more of that person
   * follow (drift).
   */
  smallClusterMargin: number;
  /**
   * A face must also reach this share of the cluster's own cohesion (the mean pairwise cosine of its members,
   * exact from `sum` and `count`): a tight cluster (0.8) asks 0.51 of a newcomer, a loose one (0.55) 0.35 (then
   * the threshold rules). 0.64: 0.60 let a lookalike drift into a young loose cluster.
   */
  cohesionRatio: number;
  /**
   * The same share for non-HD faces (0.58). Their embeddings are noisier, so the right ones sit lower against a
   * cluster's cohesion (median 0.92 vs 1.02 for HD members of the same clusters): 0.64 x 0.92 / 1.02.
   */
  cohesionRatioNonHD: number;
  /**
   * Mean pairwise cosine between two existing clusters for an automatic merge ("overwhelming evidence", 0.55;
   * never reached on LFW-dev).
   */
  mergeThreshold: number;
  /** Distinct HD images a group needs to become a cluster (IMM: 3). */
  minClusterImages: number;
}

export interface SearchOptions {
  /** Neighbours per face in the kNN graph (candidate pool, linkage). 20 bounds the candidate links only. */
  knn: number;
  /**
   * Graph edges below this cosine are ignored (0.25: they can never carry a merge or a join at the thresholds
   * above; same-person cosine averages 0.68).
   */
  minEdgeSimilarity: number;
  /** Existing clusters considered per face / per group / per cluster (8). */
  clusterCandidates: number;
  /** Representative embeddings kept per cluster summary (4; they are not used by any decision). */
  maxRepresentatives: number;
  /** Compute backend for exact/approximate kNN; defaults to onnxruntime with a plain-JS fallback. */
  indexFactory?: NeighbourIndexFactory;
}

export type ClusteringOptions = DecisionOptions & SearchOptions;

export const DEFAULT_DECISION_OPTIONS: Readonly<DecisionOptions> = {
  linkageThreshold: 0.46,
  groupMatchThreshold: 0.46,
  joinThreshold: 0.41,
  smallClusterMargin: 0.12,
  cohesionRatio: 0.64,
  cohesionRatioNonHD: 0.58,
  mergeThreshold: 0.55,
  minClusterImages: 3,
};

export const DEFAULT_SEARCH_OPTIONS: Readonly<SearchOptions> = {
  knn: 20,
  minEdgeSimilarity: 0.25,
  clusterCandidates: 8,
  maxRepresentatives: 4,
};

export const DEFAULT_CLUSTERING_OPTIONS: Readonly<ClusteringOptions> = {
  ...DEFAULT_DECISION_OPTIONS,
  ...DEFAULT_SEARCH_OPTIONS,
};

/**
 * How the neighbour indexes search (libs/clustering's kNN backends). They only change speed and, for the
 * projected shortlist, recall (measured 0.9998 for clusters and 0.994 for candidates, +10K faces into 1M).
 */
export const NEIGHBOUR_SEARCH_DEFAULTS = {
  /**
   * Exact searches below this many dot products run in plain JS (onnxruntime's call overhead dominates). At 512-d
   * (AMD EPYC Zen 4) 100 x 100 takes 0.6 ms in onnxruntime and 10 ms in JS, 3,000 x 629 16 ms and 1.1 s: 5,000.
   */
  jsBelowDotProducts: 5_000,
  /**
   * Bases at least this large are searched through a random projection + exact re-ranking (20K); smaller ones
   * exactly.
   */
  projectedIndexMinSize: 20_000,
  /** Dimensions of that random projection (128: inner products kept within ~1/sqrt(128)). */
  projectionDims: 128,
  /** Shortlist of the projected search = k x oversample (at least k + 8), re-ranked exactly. */
  oversample: 4,
  /** Seed of the projection matrix (fixed, so a search does not depend on the process). */
  projectionSeed: 12345,
  /** Upper bound on the bytes of one query chunk's score matrix in an exact onnxruntime search (128 MB). */
  maxScoreBytes: 128 * 1024 * 1024,
} as const;

export function resolveOptions(options: Partial<ClusteringOptions> | undefined): ClusteringOptions {
  const o = { ...DEFAULT_CLUSTERING_OPTIONS, ...(options ?? {}) };
  if (o.smallClusterMargin < 0) throw new RangeError('smallClusterMargin must be >= 0');
  if (o.cohesionRatio < 0 || o.cohesionRatio > 1) throw new RangeError('cohesionRatio must be within 0..1');
  if (o.cohesionRatioNonHD < 0 || o.cohesionRatioNonHD > 1) {
    throw new RangeError('cohesionRatioNonHD must be within 0..1');
  }
  if (o.minClusterImages < 1 || o.knn < 1 || o.maxRepresentatives < 1) {
    throw new RangeError('minClusterImages, knn and maxRepresentatives must be >= 1');
  }
  return o;
}
