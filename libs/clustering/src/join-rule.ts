import type { DecisionOptions } from './clustering-options';
import type { JoinBlock } from './clustering.types';

/** What the JoinRule knows about a face when it is offered to a cluster. */
export interface JoinCandidate {
  isHD: boolean;
  /** Mean cosine of the face to the cluster's members (sum · face / count). */
  score: number;
  /** The face's peer floor: its mean cosine to the rest of its peer group (-Infinity when it is in none). */
  peerFloor: number;
  /** True when the cluster is the one the face's peer group matches as a whole (the floor does not apply). */
  peerCluster: boolean;
}

/**
 * The one rule that decides whether a face may join a cluster of `count` members with cohesion `cohesion` (the
 * mean pairwise cosine of its members):
 *
 *   score >= bar = max(joinThreshold + smallClusterMargin / count, ratio x cohesion)   (ratio: cohesionRatio for
 *                                                                                         HD faces, else
 *                                                                                         cohesionRatioNonHD)
 *   and score >= peer floor, unless the cluster is the one the face's peer group matches as a whole
 *   and the cluster holds no face of the same image (checked when the join is applied, against the cluster as it
 *   is then; the join stage applies the admitted pairs best first, one face per image per cluster).
 *
 * The seed stage uses the same bar to trim a group to a consistent seed (a member must pass the bar of the
 * cluster formed by the others).
 */
export class JoinRule {
  constructor(private readonly o: DecisionOptions) {}

  /** The mean cosine a face needs to join a cluster of `count` members with this cohesion. */
  bar(isHD: boolean, count: number, cohesion: number): number {
    const ratio = isHD ? this.o.cohesionRatio : this.o.cohesionRatioNonHD;
    return Math.max(this.o.joinThreshold + this.o.smallClusterMargin / count, ratio * cohesion);
  }

  /** null when the face may join (the image check aside), else the part of the rule that keeps it out. */
  check(c: JoinCandidate, bar: number): Exclude<JoinBlock, 'same-image'> | null {
    if (!(c.score >= bar)) return 'join-bar';
    if (!(c.score >= c.peerFloor || c.peerCluster)) return 'peer-floor';
    return null;
  }
}
