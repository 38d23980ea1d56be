import { averageLinkage } from '../average-linkage';
import type { NeighbourSearchResult } from '../neighbour-index';
import type { RunState, SeedGroup } from '../run-state';
import { dot, writeNormalizedRow } from '../vector-math';

/**
 * Average linkage over the still-unassigned HD faces of `pool`: the groups with >= `minClusterImages` distinct
 * images once trimmed to a consistent seed (those that could seed a cluster), members as face indices. Shared by
 * the peer-groups and seed stages.
 */
export async function seedGroups(s: RunState, pool: number[]): Promise<SeedGroup[]> {
  const hd = pool.filter((f) => s.faces[f].isHD && s.assignedTo[f] < 0);
  if (hd.length < s.o.minClusterImages) return [];
  const vectors = s.rows(hd);
  const neighbours: NeighbourSearchResult = await s.index(vectors).search(vectors, Math.min(s.o.knn + 1, hd.length));
  const imageKeyOf = new Map<string, number>();
  const imageKeys = Int32Array.from(
    hd.map((f) => {
      const id = s.faces[f].imageId;
      let key = imageKeyOf.get(id);
      if (key === undefined) imageKeyOf.set(id, (key = imageKeyOf.size));
      return key;
    }),
  );
  const groups = averageLinkage({
    vectors,
    dim: s.dim,
    imageKeys,
    neighbours,
    threshold: s.o.linkageThreshold,
    minEdgeSimilarity: s.o.minEdgeSimilarity,
  }).filter((g) => g.imageKeys.size >= s.o.minClusterImages);
  // Linkage never groups two faces of one image, so after trimming the members still count distinct images.
  return groups
    .map((g) =>
      trimGroup(
        s,
        g.members.map((m) => hd[m]),
        g.sum,
      ),
    )
    .filter((g) => g.members.length >= s.o.minClusterImages);
}

/**
 * A seed must be consistent with the JoinRule: a member that could not join the cluster formed by the other
 * members (its mean cosine to them below their join bar) is left out, the worst first, until every member passes.
 * Average linkage only asks a group's mean: a lookalike at 0.5 to two photos of one person that are at 0.9 to each
 * other joins their pair (0.5 >= linkageThreshold), although a cluster of the two would ask 0.64 x 0.9 = 0.576 of
 * it; such a 2 + 1 seed becomes a cluster that the lookalike's other photos follow into.
 */
export function trimGroup(s: RunState, members: number[], groupSum: Float32Array): SeedGroup {
  const sum = Float32Array.from(groupSum);
  const kept = [...members];
  while (kept.length > 2) {
    const others = kept.length - 1;
    const total = dot(sum, 0, sum, 0, s.dim);
    let worst = -1;
    let worstDeficit = 0;
    kept.forEach((f, i) => {
      const d = dot(s.matrix, f * s.dim, sum, 0, s.dim);
      // The others' sum is sum - x, and |sum - x|^2 = total - 2 d + 1 (others >= 2 here).
      const othersCohesion = (total - 2 * d + 1 - others) / (others * (others - 1));
      const deficit = s.rule.bar(s.faces[f].isHD, others, othersCohesion) - (d - 1) / others;
      if (deficit > worstDeficit) [worst, worstDeficit] = [i, deficit];
    });
    if (worst < 0) break;
    const off = kept[worst] * s.dim;
    for (let d = 0; d < s.dim; d++) sum[d] -= s.matrix[off + d];
    kept.splice(worst, 1);
  }
  return { members: kept, sum };
}

/**
 * For each group, the existing cluster it matches as a whole (mean pairwise cosine >= `groupMatchThreshold`, best
 * first, no shared image), or -1, with the score. Uses the clusters' current sums.
 */
export async function matchGroups(s: RunState, groups: SeedGroup[]): Promise<Array<[number, number]>> {
  const existing = s.existingIdxs;
  const kEx = Math.min(s.o.clusterCandidates, existing.length);
  if (kEx === 0 || groups.length === 0) return groups.map(() => [-1, 0]);
  const dirs = new Float32Array(groups.length * s.dim);
  groups.forEach((g, i) => writeNormalizedRow(dirs, i, g.sum, s.dim));
  const matches = await s.existingIndex().search(dirs, kEx);
  return groups.map((g, gi) => {
    let best = -1;
    let bestScore = s.o.groupMatchThreshold;
    for (let j = 0; j < kEx; j++) {
      const local = matches.indices[gi * kEx + j];
      if (local < 0) continue;
      const c = s.clusters[existing[local]];
      const score = dot(g.sum, 0, c.sum, 0, s.dim) / (g.members.length * c.count);
      if (score >= bestScore && !g.members.some((f) => s.hasImage(c, s.hashes[f]))) {
        best = existing[local];
        bestScore = score;
      }
    }
    return [best, bestScore];
  });
}
