import type { RunState } from '../run-state';

/**
 * candidate-pool: the earlier independents (candidates) within the `knn` nearest of a new face at cosine >=
 * `minEdgeSimilarity`: the only ones whose situation can have changed in this run, so the only ones re-examined
 * (the rest of the candidates are not touched).
 */
export async function candidatePoolStage(s: RunState): Promise<void> {
  const nNew = s.nNew;
  const nCand = s.input.candidates.length;
  if (nCand === 0 || nNew === 0) return;
  // Candidates sit after the new faces in `matrix`: search them in place, without a copy.
  const base = s.matrix.subarray(nNew * s.dim);
  const k = Math.min(s.o.knn, nCand);
  const found = await s.index(base).search(s.rows(s.newFaceIdxs), k);
  const pool = new Set<number>();
  for (let i = 0; i < found.indices.length; i++) {
    const local = found.indices[i];
    if (local >= 0 && found.similarities[i] >= s.o.minEdgeSimilarity) pool.add(nNew + local);
  }
  s.poolCandidates = [...pool];
}
