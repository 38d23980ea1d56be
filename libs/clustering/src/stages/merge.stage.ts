import type { RunState } from '../run-state';
import { dot } from '../vector-math';

/**
 * merge: existing clusters that grew in this run may now be the same person as another existing cluster; they
 * merge only on overwhelming evidence (mean pairwise cosine >= `mergeThreshold`, no shared image), best pairs
 * first, the smaller into the larger. The only way an earlier decision changes; every merge is returned.
 */
export async function mergeStage(s: RunState): Promise<void> {
  const existing = s.existingIdxs;
  const grown = existing.filter((i) => s.clusters[i].added.length > 0);
  const k = Math.min(s.o.clusterCandidates + 1, existing.length);
  if (grown.length === 0 || k < 2) return;
  const dirs = s.directions(grown);
  const found = await s.existingIndex().search(dirs, k);
  const pairs: Array<{ a: number; b: number; score: number }> = [];
  grown.forEach((a, q) => {
    for (let j = 0; j < k; j++) {
      const local = found.indices[q * k + j];
      if (local < 0 || existing[local] === a) continue;
      const b = existing[local];
      const ca = s.clusters[a];
      const cb = s.clusters[b];
      const score = dot(ca.sum, 0, cb.sum, 0, s.dim) / (ca.count * cb.count);
      if (score >= s.o.mergeThreshold) pairs.push({ a, b, score });
    }
  });
  pairs.sort((x, y) => y.score - x.score);
  for (const p of pairs) {
    let into = s.root(s.clusters[p.a]);
    let from = s.root(s.clusters[p.b]);
    if (into === from) continue;
    if (from.count > into.count || (from.count === into.count && from.id < into.id)) [into, from] = [from, into];
    const score = dot(into.sum, 0, from.sum, 0, s.dim) / (into.count * from.count);
    if (score < s.o.mergeThreshold || s.sharesImage(into, from)) continue;
    if (into.sum === into.existing?.sum) into.sum = Float32Array.from(into.sum);
    for (let d = 0; d < s.dim; d++) into.sum[d] += from.sum[d];
    const fromCount = from.count;
    into.count += from.count;
    for (const h of from.addedHashes) into.addedHashes.add(h);
    from.mergedInto = into;
    s.merges.push({ from: from.id, into: into.id, reason: 'average-linkage', similarity: score });
    s.clusterDecisions.push({
      cluster: s.clusters.indexOf(from),
      stage: 'merge',
      rule: 'merge-threshold',
      faces: fromCount,
      similarity: score,
      into: s.clusters.indexOf(into),
    });
  }
}
