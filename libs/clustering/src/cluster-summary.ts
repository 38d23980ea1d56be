import { DEFAULT_SEARCH_OPTIONS } from './clustering-options';
import type { ClusterSummary, FaceInput } from './clustering.types';
import { addInto, dot, hashImageId, normalized, sortedUnion } from './vector-math';

interface Representative {
  faceId: string;
  quality: number;
  embedding: Float32Array;
}

function representativesOf(summary: ClusterSummary, dim: number): Representative[] {
  return summary.representativeFaceIds.map((faceId, i) => ({
    faceId,
    quality: summary.representativeQualities[i],
    embedding: summary.representatives.subarray(i * dim, (i + 1) * dim),
  }));
}

/** Highest quality first, face id as tie-break, so the choice does not depend on arrival order. */
function pickRepresentatives(reps: Representative[], max: number, dim: number) {
  const chosen = [...reps]
    .sort((a, b) => b.quality - a.quality || (a.faceId < b.faceId ? -1 : a.faceId > b.faceId ? 1 : 0))
    .slice(0, max);
  const representatives = new Float32Array(chosen.length * dim);
  chosen.forEach((r, i) => representatives.set(r.embedding, i * dim));
  return {
    representatives,
    representativeFaceIds: chosen.map((r) => r.faceId),
    representativeQualities: chosen.map((r) => r.quality),
  };
}

/** Builds a summary from scratch from all member faces (e.g. after deletions, or for a full rebuild). */
export function buildSummary(
  clusterId: string,
  members: FaceInput[],
  maxRepresentatives = DEFAULT_SEARCH_OPTIONS.maxRepresentatives,
): ClusterSummary {
  if (members.length === 0) throw new RangeError('a cluster summary needs at least one member');
  const dim = members[0].embedding.length;
  const sum = new Float32Array(dim);
  const reps: Representative[] = [];
  for (const m of members) {
    const e = normalized(m.embedding);
    addInto(sum, e, 0, dim);
    reps.push({ faceId: m.faceId, quality: m.quality, embedding: e });
  }
  return {
    clusterId,
    count: members.length,
    sum,
    ...pickRepresentatives(reps, maxRepresentatives, dim),
    imageHashes: sortedUnion(
      new Uint32Array(0),
      members.map((m) => hashImageId(m.imageId)),
    ),
  };
}

/** Returns a new summary with `added` faces folded in (embeddings are normalised here). */
export function addFacesToSummary(
  summary: ClusterSummary,
  added: FaceInput[],
  maxRepresentatives = DEFAULT_SEARCH_OPTIONS.maxRepresentatives,
): ClusterSummary {
  const dim = summary.sum.length;
  const sum = Float32Array.from(summary.sum);
  const reps = representativesOf(summary, dim);
  for (const f of added) {
    const e = normalized(f.embedding);
    addInto(sum, e, 0, dim);
    reps.push({ faceId: f.faceId, quality: f.quality, embedding: e });
  }
  return {
    clusterId: summary.clusterId,
    count: summary.count + added.length,
    sum,
    ...pickRepresentatives(reps, maxRepresentatives, dim),
    imageHashes: sortedUnion(
      summary.imageHashes,
      added.map((f) => hashImageId(f.imageId)),
    ),
  };
}

/**
 * Returns the summary without the `removed` member faces (exact for count, sum and image set). Removed
 * representatives are dropped, not replaced: when `representativeFaceIds` runs empty, or when exactness of the
 * representatives matters, rebuild with {@link buildSummary}. Returns null when no member is left.
 */
export function removeFacesFromSummary(
  summary: ClusterSummary,
  removed: Array<Pick<FaceInput, 'faceId' | 'imageId' | 'embedding'>>,
  maxRepresentatives = DEFAULT_SEARCH_OPTIONS.maxRepresentatives,
): ClusterSummary | null {
  const count = summary.count - removed.length;
  if (count <= 0) return null;
  const dim = summary.sum.length;
  const sum = Float32Array.from(summary.sum);
  for (const f of removed) addInto(sum, normalized(f.embedding), 0, dim, -1);
  const removedIds = new Set(removed.map((f) => f.faceId));
  const removedHashes = new Set(removed.map((f) => hashImageId(f.imageId)));
  const reps = representativesOf(summary, dim).filter((r) => !removedIds.has(r.faceId));
  return {
    clusterId: summary.clusterId,
    count,
    sum,
    ...pickRepresentatives(reps, maxRepresentatives, dim),
    imageHashes: summary.imageHashes.filter((h) => !removedHashes.has(h)),
  };
}

/** Summary of `into` after absorbing every member of `from` (keeps `into`'s id). */
export function mergeSummaries(
  into: ClusterSummary,
  from: ClusterSummary,
  maxRepresentatives = DEFAULT_SEARCH_OPTIONS.maxRepresentatives,
): ClusterSummary {
  const dim = into.sum.length;
  const sum = Float32Array.from(into.sum);
  addInto(sum, from.sum, 0, dim);
  return {
    clusterId: into.clusterId,
    count: into.count + from.count,
    sum,
    ...pickRepresentatives([...representativesOf(into, dim), ...representativesOf(from, dim)], maxRepresentatives, dim),
    imageHashes: sortedUnion(into.imageHashes, from.imageHashes),
  };
}

/** Mean pairwise cosine between the members of two clusters (exact, from the sums). */
export function summaryLinkage(a: ClusterSummary, b: ClusterSummary): number {
  let s = 0;
  for (let i = 0; i < a.sum.length; i++) s += a.sum[i] * b.sum[i];
  return s / (a.count * b.count);
}

/** Mean cosine of one face to the members of a cluster (exact, from the sum). */
export function faceToClusterSimilarity(embedding: Float32Array, summary: ClusterSummary): number {
  const e = normalized(embedding);
  let s = 0;
  for (let i = 0; i < e.length; i++) s += e[i] * summary.sum[i];
  return s / summary.count;
}

/**
 * Mean pairwise cosine between the members of a cluster (its cohesion), exact from the sum of their unit
 * embeddings: |sum|^2 = count + the cosines summed over ordered pairs of distinct members. 1 below 2 members.
 */
export function clusterCohesion(sum: Float32Array, count: number): number {
  if (count < 2) return 1;
  return (dot(sum, 0, sum, 0, sum.length) - count) / (count * (count - 1));
}
