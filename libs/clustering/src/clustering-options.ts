import type { ClusteringOptions } from './clustering.types';

/**
 * Defaults tuned on LFW-dev with the project's 512-d model (same-person cosine ~0.68, different ~0.005).
 * See libs/clustering/README.md for the measurements behind them.
 */
export const DEFAULT_CLUSTERING_OPTIONS: Readonly<ClusteringOptions> = {
  linkageThreshold: 0.44,
  joinThreshold: 0.44,
  // Measured with the pipeline's own HD flags (bench:cluster --hd pipeline, 14% of LFW faces non-HD): 0.44
  // gave pairwise P 0.9968 / BCubed F 0.9816 against 0.9941 / 0.9749 for a stricter 0.50.
  joinThresholdNonHD: 0.44,
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
  if (o.minClusterImages < 1 || o.knn < 1 || o.maxRepresentatives < 1) {
    throw new RangeError('minClusterImages, knn and maxRepresentatives must be >= 1');
  }
  return o;
}
