import type { ClusterSummary, FaceInput } from './clustering.types';
import { createDefaultNeighbourIndex } from './onnx-neighbour-index';
import { dot, sortedIntersects } from './vector-math';

/**
 * What the user has said about a data set's people: faces they placed, faces they took out of a cluster, and
 * cluster pairs they said are different people. `suggestCorrections` leaves these out of its suggestions.
 */
export interface ClusteringConstraints {
  /** Faces the user placed (moved in, or kept by a merge): never suggested to move. */
  pinnedFaceIds: ReadonlySet<string>;
  /** "Not this person": faces the user took out of a cluster; never suggested back into it. */
  rejectedFaces: ReadonlyArray<{ clusterId: string; faceId: string }>;
  /** Cluster pairs the user said are different people (a rejected suggestion): never suggested again. */
  differentPeople: ReadonlyArray<readonly [string, string]>;
}

export const NO_CONSTRAINTS: ClusteringConstraints = {
  pinnedFaceIds: new Set<string>(),
  rejectedFaces: [],
  differentPeople: [],
};

/** An existing member of a cluster with its mean cosine to its cluster, checked for a better cluster. */
export interface ClusterMember extends FaceInput {
  clusterId: string;
  /** Its mean cosine to its cluster's members when it joined (or when last scored). */
  similarity: number;
}

/** "Are these the same person?": two clusters, ranked by `score` (the mean pairwise cosine between their members). */
export interface SamePersonSuggestion {
  a: string;
  b: string;
  score: number;
  facesA: number;
  facesB: number;
}

/** "Does this face belong to another person?": its mean cosine to `to` beats that to its own cluster by `score`. */
export interface FaceMoveSuggestion {
  faceId: string;
  from: string;
  to: string;
  score: number;
  similarityOwn: number;
  similarityOther: number;
}

export interface SuggestionInput {
  clusters: ClusterSummary[];
  /** Members to check for a better cluster (e.g. the weakest members of each cluster); none: no move suggestions. */
  members?: ClusterMember[];
  constraints?: ClusteringConstraints;
  /** Pairs below this mean pairwise cosine are not suggested (default 0.3). */
  minSamePersonScore?: number;
  /** A face is suggested to move only when its mean cosine to the other cluster beats its own by this (default 0.1). */
  minMoveMargin?: number;
  /** Most suggestions of each kind (default 50). */
  limit?: number;
  /** Nearest clusters looked at per cluster or face (default 8). */
  neighbours?: number;
}

export interface Suggestions {
  samePerson: SamePersonSuggestion[];
  faceMoves: FaceMoveSuggestion[];
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Mean cosine of unit vector `x` to the members of `c` (its `sum` over `count`). */
function meanCosine(c: ClusterSummary, x: Float32Array): number {
  return dot(c.sum, 0, x, 0, x.length) / c.count;
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * s);
}

/**
 * Suggestions for the user to confirm or reject: pairs of clusters that are probably one person (ranked by the
 * mean pairwise cosine between their members, computed exactly from the summaries' sums), excluding pairs that share
 * an image or that the user said are different people; and members whose mean cosine to another cluster beats
 * that to the rest of their own cluster by `minMoveMargin`, leaving out pinned faces, rejected (face, cluster)
 * pairs and moves between two clusters already suggested as one person (that suggestion covers their faces).
 */
export async function suggestCorrections(input: SuggestionInput): Promise<Suggestions> {
  const clusters = input.clusters.filter((c) => c.count > 0);
  const constraints = input.constraints ?? NO_CONSTRAINTS;
  const limit = input.limit ?? 50;
  const minScore = input.minSamePersonScore ?? 0.3;
  const dim = clusters[0]?.sum.length ?? 0;
  if (clusters.length === 0 || dim === 0) return { samePerson: [], faceMoves: [] };
  const different = new Set(constraints.differentPeople.map(([a, b]) => pairKey(a, b)));
  const base = new Float32Array(clusters.length * dim);
  clusters.forEach((c, i) => base.set(unit(c.sum), i * dim));
  const index = createDefaultNeighbourIndex(base, dim);
  const k = Math.min((input.neighbours ?? 8) + 1, clusters.length);

  const samePerson: SamePersonSuggestion[] = [];
  if (k >= 2) {
    const found = await index.search(base, k);
    const seen = new Set<string>();
    clusters.forEach((a, q) => {
      for (let j = 0; j < k; j++) {
        const local = found.indices[q * k + j];
        if (local < 0 || local === q) continue;
        const b = clusters[local];
        const key = pairKey(a.clusterId, b.clusterId);
        if (seen.has(key) || different.has(key)) continue;
        seen.add(key);
        const score = dot(a.sum, 0, b.sum, 0, dim) / (a.count * b.count);
        if (score < minScore || sortedIntersects(a.imageHashes, b.imageHashes)) continue;
        const [x, y] = a.count >= b.count ? [a, b] : [b, a];
        samePerson.push({ a: x.clusterId, b: y.clusterId, score, facesA: x.count, facesB: y.count });
      }
    });
    samePerson.sort((x, y) => y.score - x.score);
  }

  const samePersonKeys = new Set(samePerson.map((p) => pairKey(p.a, p.b)));
  const minMargin = input.minMoveMargin ?? 0.1;
  const faceMoves: FaceMoveSuggestion[] = [];
  const members = (input.members ?? []).filter((m) => !constraints.pinnedFaceIds.has(m.faceId));
  if (members.length > 0) {
    const rejected = new Set(constraints.rejectedFaces.map((r) => `${r.faceId}|${r.clusterId}`));
    const byId = new Map(clusters.map((c) => [c.clusterId, c]));
    const queries = new Float32Array(members.length * dim);
    members.forEach((m, i) => queries.set(unit(m.embedding), i * dim));
    const km = Math.min(input.neighbours ?? 8, clusters.length);
    const found = await index.search(queries, km);
    members.forEach((m, q) => {
      const own = byId.get(m.clusterId);
      if (!own) return;
      const x = queries.subarray(q * dim, (q + 1) * dim);
      // Its own cluster's mean without the face itself.
      const ownSim = own.count > 1 ? (dot(own.sum, 0, x, 0, dim) - 1) / (own.count - 1) : 0;
      let best: FaceMoveSuggestion | null = null;
      for (let j = 0; j < km; j++) {
        const local = found.indices[q * km + j];
        if (local < 0) continue;
        const other = clusters[local];
        if (other.clusterId === m.clusterId || rejected.has(`${m.faceId}|${other.clusterId}`)) continue;
        // Two clusters suggested as one person: the same-person suggestion covers their faces.
        if (samePersonKeys.has(pairKey(m.clusterId, other.clusterId))) continue;
        const sim = meanCosine(other, x);
        const score = sim - ownSim;
        if (score >= minMargin && (!best || score > best.score)) {
          best = {
            faceId: m.faceId,
            from: m.clusterId,
            to: other.clusterId,
            score,
            similarityOwn: ownSim,
            similarityOther: sim,
          };
        }
      }
      if (best) faceMoves.push(best);
    });
    faceMoves.sort((x, y) => y.score - x.score);
  }
  return { samePerson: samePerson.slice(0, limit), faceMoves: faceMoves.slice(0, limit) };
}
