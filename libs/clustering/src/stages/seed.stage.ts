import { clusterCohesion } from '../cluster-summary';
import type { RunState } from '../run-state';
import { dot } from '../vector-math';
import { matchGroups, seedGroups } from './seed-groups';

/**
 * seed: the pool (new faces and pool candidates still unassigned) is clustered by average linkage over its HD
 * faces; each group with >= `minClusterImages` distinct images, trimmed to a consistent seed, joins the existing
 * cluster it matches as a whole (`groupMatchThreshold`, no shared image) or becomes a new cluster. Smaller groups
 * stay independent. Ends the peer-group hold.
 */
export async function seedStage(s: RunState): Promise<void> {
  s.pool = s.unassigned([...s.unassigned(s.newFaceIdxs), ...s.poolCandidates]);
  const groups = await seedGroups(s, s.pool);
  if (groups.length > 0) {
    const matched = await matchGroups(s, groups);
    groups.forEach((g, gi) => {
      const { members } = g;
      const [best, bestScore] = matched[gi];
      if (best >= 0) {
        for (const f of members)
          s.addFace(f, best, bestScore, 'joined-existing', 'seed', 'group-match', s.o.groupMatchThreshold);
        s.clusterDecisions.push({
          cluster: best,
          stage: 'seed',
          rule: 'group-match',
          faces: members.length,
          similarity: bestScore,
          into: -1,
        });
        return;
      }
      const idx = s.createCluster();
      s.created.push(idx);
      for (const f of members) {
        const score = (dot(s.matrix, f * s.dim, g.sum, 0, s.dim) - 1) / Math.max(1, members.length - 1);
        s.addFace(f, idx, score, 'seeded-new', 'seed', 'seed-group', NaN);
      }
      s.clusterDecisions.push({
        cluster: idx,
        stage: 'seed',
        rule: 'seed-group',
        faces: members.length,
        similarity: clusterCohesion(g.sum, members.length),
        into: -1,
      });
    });
  }
  s.floors.fill(-Infinity);
  s.seededCounts = s.created.map((c) => s.clusters[c].count);
}
