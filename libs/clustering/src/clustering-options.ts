import type { ClusteringOptions } from './clustering.types';

/**
 * Defaults tuned on LFW-dev with the project's 512-d model (same-person cosine ~0.68, different ~0.005).
 * See libs/clustering/README.md for the measurements behind them.
 */
export const DEFAULT_CLUSTERING_OPTIONS: Readonly<ClusteringOptions> = {
  // Measured with the pipeline's own HD flags (bench:cluster --hd pipeline, 10 batches) over shuffle seeds 1-10 and
  // two halves of the identities; see libs/clustering/README.md, "Thresholds (defaults) and why".
  linkageThreshold: 0.46,
  // 0.41 rather than 0.40: faces of a lookalike (mostly people with one photo) reach 0.40-0.42 against big loose
  // clusters; in 2 of 20 orders of bench:cluster, 3-4 photos of one person joined a 42-face cluster that way
  // (pairwise precision 0.9924 and 0.9940).
  joinThreshold: 0.41,
  joinThresholdNonHD: 0.41,
  // A cluster of 3 needs 0.45, of 10 0.422, of 100 0.4112: the mean over few members is noisy.
  smallClusterMargin: 0.12,
  // ... and a face must reach 0.64 x the cluster's own mean pairwise cosine: a tight cluster (0.8) asks 0.51, a
  // loose one (0.55) 0.35 (then the threshold above rules). 0.60 let a lookalike drift into a young loose cluster.
  cohesionRatio: 0.64,
  // Non-HD members sit about 0.1 lower against their cluster's cohesion than HD ones (noisier embeddings).
  cohesionRatioNonHD: 0.58,
  mergeThreshold: 0.55,
  minClusterImages: 3,
  knn: 20,
  minEdgeSimilarity: 0.25,
  clusterCandidates: 8,
  maxRepresentatives: 4,
};

export function resolveOptions(options: Partial<ClusteringOptions> | undefined): ClusteringOptions {
  const o = { ...DEFAULT_CLUSTERING_OPTIONS, ...(options ?? {}) };
  if (o.joinThresholdNonHD < o.joinThreshold) {
    throw new RangeError('joinThresholdNonHD must be >= joinThreshold');
  }
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
