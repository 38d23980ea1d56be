/**
 * IMM's `Similarity` (0..1) from the cosine of two L2-normalised face embeddings (or of a face and a cluster: the
 * mean cosine to the cluster's members). Piecewise linear and monotone through three anchors:
 *
 *   cosine <= 0            -> 0      (unrelated faces of different people sit around 0)
 *   cosine = MATCH_COSINE  -> 0.5    (the clustering's join bar: a face this close joins a cluster)
 *   cosine = 1             -> 1
 *
 * So `Similarity >= 0.5` reads "the clustering would call this the same person". The false-accept rates on LFW at
 * each Similarity are measured by `npm run bench:compare-faces` and listed in docs/decisions/face-similarity.md.
 */
export const MATCH_COSINE = 0.41;

/** The Similarity at which a face counts as a match (a known person), unless configured otherwise. */
export const DEFAULT_MATCH_SIMILARITY = 0.5;

export function cosineToSimilarity(cosine: number): number {
  if (!Number.isFinite(cosine) || cosine <= 0) return 0;
  if (cosine >= 1) return 1;
  const s =
    cosine <= MATCH_COSINE ? (0.5 * cosine) / MATCH_COSINE : 0.5 + (0.5 * (cosine - MATCH_COSINE)) / (1 - MATCH_COSINE);
  return Math.round(s * 1e6) / 1e6;
}

/** The inverse of `cosineToSimilarity` on (0, 1]: the cosine a Similarity threshold stands for. */
export function similarityToCosine(similarity: number): number {
  if (similarity <= 0) return 0;
  if (similarity >= 1) return 1;
  return similarity <= 0.5
    ? (similarity / 0.5) * MATCH_COSINE
    : MATCH_COSINE + ((similarity - 0.5) / 0.5) * (1 - MATCH_COSINE);
}
