import type { ClusteringOptions } from './clustering.types';

/**
 * Defaults tuned on LFW-dev with the project's 512-d model (same-person cosine ~0.68, different ~0.005).
 * See libs/clustering/README.md for the measurements behind them.
 */
export const DEFAULT_CLUSTERING_OPTIONS: Readonly<ClusteringOptions> = {
  // Measured with the pipeline's own HD flags (bench:cluster --hd pipeline, 10 batches; tuned on seeds 1-2, checked
  // on seeds 3-4 and two halves of the identities). Against 0.42 / margin 0.27 / no cohesion rule on the same
  // embeddings: BCubed F 0.9823/0.9820 -> 0.9848/0.9842 (held out 0.9815/0.9833 -> 0.9846/0.9858), pairwise
  // precision 0.9981/0.9978 -> 0.9974/0.9971 (held out 0.9985/0.9988 -> 0.9976/0.9985).
  linkageThreshold: 0.46,
  joinThreshold: 0.4,
  joinThresholdNonHD: 0.4,
  // A cluster of 3 needs 0.45, of 10 0.415, of 100 0.4015: the mean over few members is noisy.
  smallClusterMargin: 0.15,
  // ... and a face must reach 0.64 x the cluster's own mean pairwise cosine: a tight cluster (0.8) asks 0.51, a
  // loose one (0.55) 0.35 (then the threshold above rules). 0.60 let a lookalike drift into a young loose cluster.
  cohesionRatio: 0.64,
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
  if (o.minClusterImages < 1 || o.knn < 1 || o.maxRepresentatives < 1) {
    throw new RangeError('minClusterImages, knn and maxRepresentatives must be >= 1');
  }
  return o;
}
