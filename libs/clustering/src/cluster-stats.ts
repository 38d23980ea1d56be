export type Gender = 'male' | 'female';

export interface StatsMember {
  imageId: string;
  age?: number;
  gender?: Gender;
  /** Confidence of `gender` in [0, 1]; breaks ties between equal counts. */
  genderConfidence?: number;
}

/** IMM FigureCluster statistics. */
export interface ClusterStats {
  faceCount: number;
  imageCount: number;
  /** Majority gender of the members that have one (undefined when none has). */
  gender: Gender | undefined;
  averageAge: number | undefined;
  minAge: number | undefined;
  maxAge: number | undefined;
}

/** Exact statistics from the member faces' attributes (recompute after deletions). */
export function computeClusterStats(members: readonly StatsMember[]): ClusterStats {
  const images = new Set<string>();
  const votes = { male: 0, female: 0 };
  const confidence = { male: 0, female: 0 };
  let ageSum = 0;
  let ages = 0;
  let minAge = Infinity;
  let maxAge = -Infinity;
  for (const m of members) {
    images.add(m.imageId);
    if (m.gender) {
      votes[m.gender]++;
      confidence[m.gender] += m.genderConfidence ?? 0;
    }
    if (m.age !== undefined && Number.isFinite(m.age)) {
      ageSum += m.age;
      ages++;
      minAge = Math.min(minAge, m.age);
      maxAge = Math.max(maxAge, m.age);
    }
  }
  let gender: Gender | undefined;
  if (votes.male + votes.female > 0) {
    if (votes.male !== votes.female) gender = votes.male > votes.female ? 'male' : 'female';
    else gender = confidence.female > confidence.male ? 'female' : 'male';
  }
  return {
    faceCount: members.length,
    imageCount: images.size,
    gender,
    averageAge: ages > 0 ? ageSum / ages : undefined,
    minAge: ages > 0 ? minAge : undefined,
    maxAge: ages > 0 ? maxAge : undefined,
  };
}
