import type { ClusteringStage, FaceAssignmentReason } from '../clustering.types';
import { clusterCohesion } from '../cluster-summary';
import type { RunState } from '../run-state';
import { dot } from '../vector-math';

interface Proposal {
  face: number;
  cluster: number;
  score: number;
  bar: number;
}

/**
 * Offers faces to clusters under the JoinRule: each face is scored against its `clusterCandidates` nearest
 * clusters (mean cosine to the members, from the cluster's sum frozen at the start of the call, so the outcome does
 * not depend on face order); the admitted pairs are applied best first, one face per image per cluster.
 */
export async function offerFaces(
  s: RunState,
  faceIdxs: number[],
  clusterIdxs: number[],
  reason: FaceAssignmentReason,
  stage: ClusteringStage,
): Promise<void> {
  if (faceIdxs.length === 0 || clusterIdxs.length === 0) return;
  const k = Math.min(s.o.clusterCandidates, clusterIdxs.length);
  const index = clusterIdxs === s.existingIdxs ? s.existingIndex() : s.index(s.directions(clusterIdxs));
  const found = await index.search(s.rows(faceIdxs), k);
  const frozen = clusterIdxs.map((c) => {
    const { sum, count } = s.clusters[c];
    return { sum, count, cohesion: clusterCohesion(sum, count) };
  });
  const proposals: Proposal[] = [];
  faceIdxs.forEach((face, q) => {
    const isHD = s.faces[face].isHD;
    for (let j = 0; j < k; j++) {
      const local = found.indices[q * k + j];
      if (local < 0) continue;
      const f = frozen[local];
      const score = dot(s.matrix, face * s.dim, f.sum, 0, s.dim) / f.count;
      const bar = s.rule.bar(isHD, f.count, f.cohesion);
      const cluster = clusterIdxs[local];
      const block = s.rule.check(
        { isHD, score, peerFloor: s.floors[face], peerCluster: cluster === s.peerCluster[face] },
        bar,
      );
      if (block === null) proposals.push({ face, cluster, score, bar });
      else s.noteMiss(face, cluster, score, bar, block);
    }
  });
  proposals.sort((a, b) => b.score - a.score);
  for (const p of proposals) {
    if (s.assignedTo[p.face] >= 0) continue;
    if (s.hasImage(s.clusters[p.cluster], s.hashes[p.face])) {
      s.noteMiss(p.face, p.cluster, p.score, p.bar, 'same-image');
      continue;
    }
    s.addFace(p.face, p.cluster, p.score, reason, stage, 'join-rule', p.bar);
  }
}

/** join-existing: the new faces are offered to the existing clusters. */
export function joinExistingStage(s: RunState): Promise<void> {
  return offerFaces(s, s.newFaceIdxs, s.existingIdxs, 'joined-existing', 'join-existing');
}

/** pool-join-existing: the candidate pool is offered to the existing clusters (with the clusters' grown sums). */
export function poolJoinExistingStage(s: RunState): Promise<void> {
  return offerFaces(s, s.poolCandidates, s.existingIdxs, 'joined-existing', 'pool-join-existing');
}

/** join-new: the pool's leftovers (non-HD faces included) are offered to the clusters seeded in this run. */
export function joinNewStage(s: RunState): Promise<void> {
  return offerFaces(s, s.unassigned(s.pool), s.created, 'joined-new', 'join-new');
}

/**
 * re-offer: clusters that grew after the sums a face was scored against are offered the pool's leftovers again
 * with their grown sums (a face that missed a young cluster by a little gets the cluster's lower size margin once
 * it has more members): first the clusters seeded in this run that grew in join-new, then the existing clusters
 * that grew in this run.
 */
export async function reOfferStage(s: RunState): Promise<void> {
  await offerFaces(
    s,
    s.unassigned(s.pool),
    s.created.filter((c, i) => s.clusters[c].count > s.seededCounts[i]),
    'joined-new',
    're-offer',
  );
  const grown = s.existingIdxs.filter((c) => s.clusters[c].added.length > 0);
  await offerFaces(s, s.unassigned(s.pool), grown, 'joined-existing', 're-offer');
}
