export type Gender = 'male' | 'female';

export interface StatsMember {
  imageId: string;
  age?: number;
  gender?: Gender;
  /** Confidence of `gender` in [0.5, 1]: the weight of this face's vote; a face without one votes with weight 1. */
  genderConfidence?: number;
  /** IMM HD face: when a cluster has enough of them, its age range is taken from them only. */
  isHD?: boolean;
}

/** IMM FigureCluster statistics. */
export interface ClusterStats {
  faceCount: number;
  imageCount: number;
  /** Confidence-weighted majority gender of the members that have one (undefined when none has). */
  gender: Gender | undefined;
  averageAge: number | undefined;
  minAge: number | undefined;
  maxAge: number | undefined;
}

/** Below this many ages the range is the plain minimum and maximum: percentiles of 3 photos mean nothing. */
export const ROBUST_AGE_MIN_FACES = 5;
/** The age range's percentiles (a few wrong or odd photos do not stretch it). */
export const AGE_RANGE_PERCENTILES = [0.1, 0.9] as const;

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Gender by confidence-weighted vote: each face adds 2·confidence − 1 (0 at a coin toss, 1 when certain) to its
 * gender; the larger sum wins, a tie goes to the plain count, then to 'male' as before.
 */
export function clusterGender(members: readonly StatsMember[]): Gender | undefined {
  const weight = { male: 0, female: 0 };
  const votes = { male: 0, female: 0 };
  for (const m of members) {
    if (!m.gender) continue;
    votes[m.gender]++;
    weight[m.gender] += m.genderConfidence === undefined ? 1 : Math.max(0, 2 * m.genderConfidence - 1);
  }
  if (votes.male + votes.female === 0) return undefined;
  if (weight.male !== weight.female) return weight.male > weight.female ? 'male' : 'female';
  if (votes.male !== votes.female) return votes.male > votes.female ? 'male' : 'female';
  return 'male';
}

/**
 * Age statistics that hold up against a few bad photos: from the HD faces when at least ROBUST_AGE_MIN_FACES of
 * them have an age (else from all faces); MinAge / MaxAge the 10th / 90th percentile and AverageAge the mean of
 * the ages between them, once there are ROBUST_AGE_MIN_FACES ages; plain min / max / mean below that.
 */
export function clusterAges(members: readonly StatsMember[]): Pick<ClusterStats, 'averageAge' | 'minAge' | 'maxAge'> {
  const valid = members.filter((m) => m.age !== undefined && Number.isFinite(m.age));
  const hd = valid.filter((m) => m.isHD);
  const ages = (hd.length >= ROBUST_AGE_MIN_FACES ? hd : valid).map((m) => m.age!).sort((a, b) => a - b);
  if (ages.length === 0) return { averageAge: undefined, minAge: undefined, maxAge: undefined };
  if (ages.length < ROBUST_AGE_MIN_FACES) {
    return {
      averageAge: ages.reduce((s, a) => s + a, 0) / ages.length,
      minAge: ages[0],
      maxAge: ages[ages.length - 1],
    };
  }
  const minAge = quantile(ages, AGE_RANGE_PERCENTILES[0]);
  const maxAge = quantile(ages, AGE_RANGE_PERCENTILES[1]);
  const inside = ages.filter((a) => a >= minAge && a <= maxAge);
  return { averageAge: inside.reduce((s, a) => s + a, 0) / inside.length, minAge, maxAge };
}

/** Exact statistics from the member faces' attributes (recompute after deletions). */
export function computeClusterStats(members: readonly StatsMember[]): ClusterStats {
  return {
    faceCount: members.length,
    imageCount: new Set(members.map((m) => m.imageId)).size,
    gender: clusterGender(members),
    ...clusterAges(members),
  };
}
