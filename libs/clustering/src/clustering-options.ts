import type { ClusteringOptions } from './clustering.types';

/**
 * Defaults tuned on LFW-dev with the project's 512-d model (same-person cosine ~0.68, different ~0.005).
 * See libs/clustering/README.md for the measurements behind them.
 */
export const DEFAULT_CLUSTERING_OPTIONS: Readonly<ClusteringOptions> = {
  // Measured with the pipeline's own HD flags (bench:cluster --hd pipeline, 10 batches, seeds 1-2; seeds 3-4 and
  // two halves of the identities held out). Against the earlier 0.44 / 0.44 / no margin: pairwise precision
  // 0.9919 -> 0.9985 (held out 0.9916 -> 0.9972), BCubed F 0.9785 -> 0.9791 (0.9790 -> 0.9788).
  linkageThreshold: 0.46,
  joinThreshold: 0.42,
  joinThresholdNonHD: 0.42,
  // A cluster of 3 needs 0.51, of 10 0.447, of 100 0.423: stops a lookalike's faces drifting into a young cluster.
  smallClusterMargin: 0.27,
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
  if (o.minClusterImages < 1 || o.knn < 1 || o.maxRepresentatives < 1) {
    throw new RangeError('minClusterImages, knn and maxRepresentatives must be >= 1');
  }
  return o;
}
