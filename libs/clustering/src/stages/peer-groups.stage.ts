import type { RunState } from '../run-state';
import { dot } from '../vector-math';
import { matchGroups, seedGroups } from './seed-groups';

/**
 * peer-groups: before faces are offered to existing clusters one by one, they are compared with their peers. A
 * face in a group of the run (new faces + candidate pool) that could seed a cluster, where the group as a whole
 * matches no existing cluster (or another one), may join a cluster on its own only if its mean cosine to the
 * cluster's members reaches its mean cosine to the rest of its group (its peer floor, part of the JoinRule):
 * average linkage's own criterion, a face goes where it is closest on average. Without this, the faces of a person
 * who has no cluster yet can join a lookalike's cluster one at a time at the join threshold, although they are far
 * closer to each other, and each wrong join lowers the cluster's cohesion and so the bar for the next one. The
 * hold lasts until the seed stage has seeded the groups. Skipped when there is no existing cluster.
 */
export async function peerGroupsStage(s: RunState): Promise<void> {
  if (s.existingIdxs.length === 0) return;
  const groups = await seedGroups(s, [...s.newFaceIdxs, ...s.poolCandidates]);
  const matched = await matchGroups(s, groups);
  groups.forEach((g, gi) => {
    const n = g.members.length;
    for (const f of g.members) {
      s.floors[f] = (dot(s.matrix, f * s.dim, g.sum, 0, s.dim) - 1) / (n - 1);
      s.peerCluster[f] = matched[gi][0];
    }
  });
}
