import { randomUUID } from 'node:crypto';
import { averageLinkage } from './average-linkage';
import { resolveOptions } from './clustering-options';
import type {
  BatchResult,
  ClusterMerge,
  ClusterSummary,
  ClusteringOptions,
  FaceAssignment,
  FaceAssignmentReason,
  FaceInput,
  ClusteringResult,
  IncrementalInput,
} from './clustering.types';
import { addFacesToSummary, buildSummary, clusterCohesion, mergeSummaries } from './cluster-summary';
import type { NeighbourIndex, NeighbourSearchResult } from './neighbour-index';
import { createDefaultNeighbourIndex } from './onnx-neighbour-index';
import { dot, hashImageId, sortedHas, sortedIntersects, writeNormalizedRow } from './vector-math';

/** IMM-style cluster id. */
export function defaultClusterId(): string {
  return `Cluster-${randomUUID()}`;
}

/** A cluster being worked on during one run: an existing summary or one seeded in this run. */
interface WorkCluster {
  id: string;
  existing: ClusterSummary | null;
  count: number;
  sum: Float32Array;
  addedHashes: Set<number>;
  added: number[];
  /** Set when merged into another cluster in this run. */
  mergedInto: WorkCluster | null;
}

interface Proposal {
  face: number;
  cluster: number;
  score: number;
}

class Run {
  readonly o: ClusteringOptions;
  readonly faces: FaceInput[];
  readonly hashes: Uint32Array;
  readonly matrix: Float32Array;
  readonly dim: number;
  readonly assignedTo: Int32Array;
  readonly assignedScore: Float64Array;
  readonly reasons: FaceAssignmentReason[];
  /** Per face: the mean cosine to its peer group that a join must reach (see holdPeerGroups). */
  readonly floors: Float64Array;
  /** Per face: the existing cluster its peer group matches as a whole (no floor for that one), or -1. */
  readonly peerCluster: Int32Array;
  readonly clusters: WorkCluster[] = [];

  constructor(
    readonly input: IncrementalInput,
    private readonly newId: () => string,
  ) {
    this.o = resolveOptions(input.options);
    this.faces = [...input.newFaces, ...input.candidates];
    const first = this.faces[0]?.embedding ?? input.clusters[0]?.sum;
    this.dim = first ? first.length : 0;
    this.matrix = new Float32Array(this.faces.length * this.dim);
    this.faces.forEach((f, i) => {
      if (f.embedding.length !== this.dim) throw new RangeError(`face ${f.faceId} has a different embedding size`);
      writeNormalizedRow(this.matrix, i, f.embedding, this.dim);
    });
    this.hashes = Uint32Array.from(this.faces.map((f) => hashImageId(f.imageId)));
    this.assignedTo = new Int32Array(this.faces.length).fill(-1);
    this.assignedScore = new Float64Array(this.faces.length);
    this.reasons = this.faces.map(() => 'independent');
    this.floors = new Float64Array(this.faces.length).fill(-Infinity);
    this.peerCluster = new Int32Array(this.faces.length).fill(-1);
    for (const c of input.clusters) {
      if (c.sum.length !== this.dim) throw new RangeError(`cluster ${c.clusterId} has a different embedding size`);
      this.clusters.push({
        id: c.clusterId,
        existing: c,
        count: c.count,
        sum: c.sum,
        addedHashes: new Set(),
        added: [],
        mergedInto: null,
      });
      this.existingIdxs.push(this.clusters.length - 1);
    }
  }

  /** Indices of the clusters that existed before this run (they come first in `clusters`). */
  readonly existingIdxs: number[] = [];
  private existingIndexCache: NeighbourIndex | undefined;

  /**
   * One kNN index over the existing clusters' directions at the start of the run, shared by every step: it only
   * shortlists candidates, the scores always use the current sums.
   */
  existingIndex(): NeighbourIndex {
    this.existingIndexCache ??= this.index(this.directions(this.existingIdxs));
    return this.existingIndexCache;
  }

  index(base: Float32Array): NeighbourIndex {
    return (this.o.indexFactory ?? createDefaultNeighbourIndex)(base, this.dim);
  }

  rows(faceIdxs: number[]): Float32Array {
    const out = new Float32Array(faceIdxs.length * this.dim);
    faceIdxs.forEach((f, i) => out.set(this.matrix.subarray(f * this.dim, (f + 1) * this.dim), i * this.dim));
    return out;
  }

  directions(clusterIdxs: number[]): Float32Array {
    const out = new Float32Array(clusterIdxs.length * this.dim);
    clusterIdxs.forEach((c, i) => writeNormalizedRow(out, i, this.clusters[c].sum, this.dim));
    return out;
  }

  hasImage(c: WorkCluster, hash: number): boolean {
    return c.addedHashes.has(hash) || (c.existing !== null && sortedHas(c.existing.imageHashes, hash));
  }

  addFace(face: number, cluster: number, score: number, reason: FaceAssignmentReason): void {
    const c = this.clusters[cluster];
    if (c.sum === c.existing?.sum) c.sum = Float32Array.from(c.sum);
    const off = face * this.dim;
    for (let d = 0; d < this.dim; d++) c.sum[d] += this.matrix[off + d];
    c.count++;
    c.addedHashes.add(this.hashes[face]);
    c.added.push(face);
    this.assignedTo[face] = cluster;
    this.assignedScore[face] = score;
    this.reasons[face] = reason;
  }

  /**
   * The mean cosine a face needs to join a cluster of `count` members with this cohesion: its join threshold plus
   * the small-cluster margin, and at least its share of the cluster's cohesion.
   */
  joinBar(face: number, count: number, cohesion: number): number {
    const hd = this.faces[face].isHD;
    const threshold = hd ? this.o.joinThreshold : this.o.joinThresholdNonHD;
    const ratio = hd ? this.o.cohesionRatio : this.o.cohesionRatioNonHD;
    return Math.max(threshold + this.o.smallClusterMargin / count, ratio * cohesion);
  }

  /**
   * Offers faces to clusters: mean cosine to the cluster's members (from its sum, frozen at the start of the
   * step, so the outcome does not depend on face order) must reach the face's join threshold; best pairs first,
   * one face per image per cluster.
   */
  async joinClusters(faceIdxs: number[], clusterIdxs: number[], reason: FaceAssignmentReason): Promise<void> {
    if (faceIdxs.length === 0 || clusterIdxs.length === 0) return;
    const k = Math.min(this.o.clusterCandidates, clusterIdxs.length);
    const index = clusterIdxs === this.existingIdxs ? this.existingIndex() : this.index(this.directions(clusterIdxs));
    const found = await index.search(this.rows(faceIdxs), k);
    const frozen = clusterIdxs.map((c) => {
      const { sum, count } = this.clusters[c];
      return { sum, count, cohesion: clusterCohesion(sum, count) };
    });
    const proposals: Proposal[] = [];
    faceIdxs.forEach((face, q) => {
      for (let j = 0; j < k; j++) {
        const local = found.indices[q * k + j];
        if (local < 0) continue;
        const f = frozen[local];
        const score = dot(this.matrix, face * this.dim, f.sum, 0, this.dim) / f.count;
        const bar = this.joinBar(face, f.count, f.cohesion);
        const cluster = clusterIdxs[local];
        if (score >= bar && (score >= this.floors[face] || cluster === this.peerCluster[face]))
          proposals.push({ face, cluster, score });
      }
    });
    proposals.sort((a, b) => b.score - a.score);
    for (const p of proposals) {
      if (this.assignedTo[p.face] >= 0) continue;
      if (this.hasImage(this.clusters[p.cluster], this.hashes[p.face])) continue;
      this.addFace(p.face, p.cluster, p.score, reason);
    }
  }

  /**
   * Candidate faces (previous independents) close to a new face: the only ones whose situation can have changed
   * in this run, so the only ones re-examined (the rest of the pool is not touched).
   */
  async candidatePool(newFaces: number[]): Promise<number[]> {
    const nNew = this.input.newFaces.length;
    const nCand = this.input.candidates.length;
    if (nCand === 0 || newFaces.length === 0) return [];
    // Candidates sit after the new faces in `matrix`: search them in place, without a copy.
    const base = this.matrix.subarray(nNew * this.dim);
    const k = Math.min(this.o.knn, nCand);
    const found = await this.index(base).search(this.rows(newFaces), k);
    const pool = new Set<number>();
    for (let i = 0; i < found.indices.length; i++) {
      const local = found.indices[i];
      if (local >= 0 && found.similarities[i] >= this.o.minEdgeSimilarity) pool.add(nNew + local);
    }
    return [...pool];
  }

  /**
   * Average linkage over the still-unassigned HD faces of the pool: the groups with >= `minClusterImages` distinct
   * images once trimmed to a consistent seed (those that could seed a cluster), members as face indices.
   */
  async seedGroups(pool: number[]): Promise<Array<{ members: number[]; sum: Float32Array }>> {
    const hd = pool.filter((f) => this.faces[f].isHD && this.assignedTo[f] < 0);
    if (hd.length < this.o.minClusterImages) return [];
    const vectors = this.rows(hd);
    const neighbours: NeighbourSearchResult = await this.index(vectors).search(
      vectors,
      Math.min(this.o.knn + 1, hd.length),
    );
    const imageKeyOf = new Map<string, number>();
    const imageKeys = Int32Array.from(
      hd.map((f) => {
        const id = this.faces[f].imageId;
        let key = imageKeyOf.get(id);
        if (key === undefined) imageKeyOf.set(id, (key = imageKeyOf.size));
        return key;
      }),
    );
    const groups = averageLinkage({
      vectors,
      dim: this.dim,
      imageKeys,
      neighbours,
      threshold: this.o.linkageThreshold,
      minEdgeSimilarity: this.o.minEdgeSimilarity,
    }).filter((g) => g.imageKeys.size >= this.o.minClusterImages);
    // Linkage never groups two faces of one image, so after trimming the members still count distinct images.
    return groups
      .map((g) =>
        this.trimGroup(
          g.members.map((m) => hd[m]),
          g.sum,
        ),
      )
      .filter((g) => g.members.length >= this.o.minClusterImages);
  }

  /**
   * A seed must be consistent with the join rule: a member that could not join the cluster formed by the other
   * members (its mean cosine to them below their join bar, see `joinBar`) is left out, the worst first, until
   * every member passes. Average linkage only asks a group's mean: a lookalike at 0.5 to two photos of one person
   * that are at 0.9 to each other joins their pair (0.5 >= linkageThreshold), although a cluster of the two would
   * ask 0.64 x 0.9 = 0.576 of it; such a 2 + 1 seed becomes a cluster that the lookalike's other photos follow into.
   */
  trimGroup(members: number[], groupSum: Float32Array): { members: number[]; sum: Float32Array } {
    const sum = Float32Array.from(groupSum);
    const kept = [...members];
    while (kept.length > 2) {
      const others = kept.length - 1;
      const total = dot(sum, 0, sum, 0, this.dim);
      let worst = -1;
      let worstDeficit = 0;
      kept.forEach((f, i) => {
        const d = dot(this.matrix, f * this.dim, sum, 0, this.dim);
        // The others' sum is sum - x, and |sum - x|^2 = total - 2 d + 1 (others >= 2 here).
        const othersCohesion = (total - 2 * d + 1 - others) / (others * (others - 1));
        const deficit = this.joinBar(f, others, othersCohesion) - (d - 1) / others;
        if (deficit > worstDeficit) [worst, worstDeficit] = [i, deficit];
      });
      if (worst < 0) break;
      const off = kept[worst] * this.dim;
      for (let d = 0; d < this.dim; d++) sum[d] -= this.matrix[off + d];
      kept.splice(worst, 1);
    }
    return { members: kept, sum };
  }

  /**
   * For each group, the existing cluster it matches as a whole (mean pairwise cosine >= `linkageThreshold`, best
   * first, no shared image), or -1, with the score. Uses the clusters' current sums.
   */
  async matchGroups(groups: Array<{ members: number[]; sum: Float32Array }>): Promise<Array<[number, number]>> {
    const existing = this.existingIdxs;
    const kEx = Math.min(this.o.clusterCandidates, existing.length);
    if (kEx === 0 || groups.length === 0) return groups.map(() => [-1, 0]);
    const dirs = new Float32Array(groups.length * this.dim);
    groups.forEach((g, i) => writeNormalizedRow(dirs, i, g.sum, this.dim));
    const matches = await this.existingIndex().search(dirs, kEx);
    return groups.map((g, gi) => {
      let best = -1;
      let bestScore = this.o.linkageThreshold;
      for (let j = 0; j < kEx; j++) {
        const local = matches.indices[gi * kEx + j];
        if (local < 0) continue;
        const c = this.clusters[existing[local]];
        const score = dot(g.sum, 0, c.sum, 0, this.dim) / (g.members.length * c.count);
        if (score >= bestScore && !g.members.some((f) => this.hasImage(c, this.hashes[f]))) {
          best = existing[local];
          bestScore = score;
        }
      }
      return [best, bestScore];
    });
  }

  /**
   * Before faces are offered to existing clusters one by one, they are compared with their peers. A face in a group
   * of the pool that could seed a cluster, where the group as a whole matches no existing cluster (or another one),
   * joins a cluster on its own only if its mean cosine to the cluster's members reaches its mean cosine to the rest
   * of its group: average linkage's own criterion, a face goes where it is closest on average. Without this, the
   * faces of a person who has no cluster yet can join a lookalike's cluster one at a time at the join threshold,
   * although they are far closer to each other, and each wrong join lowers the cluster's cohesion and so the bar
   * for the next one.
   */
  async holdPeerGroups(pool: number[]): Promise<void> {
    if (this.existingIdxs.length === 0) return;
    const groups = await this.seedGroups(pool);
    const matched = await this.matchGroups(groups);
    groups.forEach((g, gi) => {
      const n = g.members.length;
      for (const f of g.members) {
        this.floors[f] = (dot(this.matrix, f * this.dim, g.sum, 0, this.dim) - 1) / (n - 1);
        this.peerCluster[f] = matched[gi][0];
      }
    });
  }

  /** Ends the hold of holdPeerGroups (once the groups have been seeded). */
  releasePeerGroups(): void {
    this.floors.fill(-Infinity);
  }

  /** Average-linkage over the HD faces of the pool; groups with enough distinct images become clusters. */
  async seedClusters(pool: number[]): Promise<number[]> {
    const groups = await this.seedGroups(pool);
    if (groups.length === 0) return [];
    // A seeded group that matches an existing cluster as a whole joins it instead of becoming a duplicate.
    const matched = await this.matchGroups(groups);
    const created: number[] = [];
    groups.forEach((g, gi) => {
      const { members } = g;
      const [best, bestScore] = matched[gi];
      if (best >= 0) {
        for (const f of members) this.addFace(f, best, bestScore, 'joined-existing');
        return;
      }
      const idx = this.clusters.length;
      this.clusters.push({
        id: this.newId(),
        existing: null,
        count: 0,
        sum: new Float32Array(this.dim),
        addedHashes: new Set(),
        added: [],
        mergedInto: null,
      });
      created.push(idx);
      for (const f of members) {
        const score = (dot(this.matrix, f * this.dim, g.sum, 0, this.dim) - 1) / Math.max(1, members.length - 1);
        this.addFace(f, idx, score, 'seeded-new');
      }
    });
    return created;
  }

  /** Existing clusters that grew in this run may now be the same person: merge on overwhelming evidence. */
  async mergeExisting(): Promise<ClusterMerge[]> {
    const existing = this.existingIdxs;
    const grown = existing.filter((i) => this.clusters[i].added.length > 0);
    const k = Math.min(this.o.clusterCandidates + 1, existing.length);
    if (grown.length === 0 || k < 2) return [];
    const dirs = this.directions(grown);
    const found = await this.existingIndex().search(dirs, k);
    const pairs: Array<{ a: number; b: number; score: number }> = [];
    grown.forEach((a, q) => {
      for (let j = 0; j < k; j++) {
        const local = found.indices[q * k + j];
        if (local < 0 || existing[local] === a) continue;
        const b = existing[local];
        const ca = this.clusters[a];
        const cb = this.clusters[b];
        const score = dot(ca.sum, 0, cb.sum, 0, this.dim) / (ca.count * cb.count);
        if (score >= this.o.mergeThreshold) pairs.push({ a, b, score });
      }
    });
    pairs.sort((x, y) => y.score - x.score);
    const root = (c: WorkCluster): WorkCluster => (c.mergedInto ? root(c.mergedInto) : c);
    const merges: ClusterMerge[] = [];
    for (const p of pairs) {
      let into = root(this.clusters[p.a]);
      let from = root(this.clusters[p.b]);
      if (into === from) continue;
      if (from.count > into.count || (from.count === into.count && from.id < into.id)) [into, from] = [from, into];
      const score = dot(into.sum, 0, from.sum, 0, this.dim) / (into.count * from.count);
      if (score < this.o.mergeThreshold || this.sharesImage(into, from)) continue;
      if (into.sum === into.existing?.sum) into.sum = Float32Array.from(into.sum);
      for (let d = 0; d < this.dim; d++) into.sum[d] += from.sum[d];
      into.count += from.count;
      for (const h of from.addedHashes) into.addedHashes.add(h);
      from.mergedInto = into;
      merges.push({ from: from.id, into: into.id, reason: 'average-linkage', similarity: score });
    }
    return merges;
  }

  private sharesImage(a: WorkCluster, b: WorkCluster): boolean {
    const hashesOf = (c: WorkCluster): Uint32Array => {
      const all = new Set<number>(c.addedHashes);
      if (c.existing) for (const h of c.existing.imageHashes) all.add(h);
      for (const m of this.clusters) {
        let r = m.mergedInto;
        while (r && r !== c) r = r.mergedInto;
        if (r === c && m.existing) for (const h of m.existing.imageHashes) all.add(h);
      }
      return Uint32Array.from(all).sort();
    };
    return sortedIntersects(hashesOf(a), hashesOf(b));
  }
}

/**
 * One incremental run (IMM semantics): new faces join existing clusters when their mean cosine to the
 * cluster's members reaches the join threshold (and, for a face in a group of the run that could seed a cluster
 * the group as a whole does not match, its mean cosine to the rest of the group); the rest, with the previous
 * independents near them, are clustered by average linkage and groups with >= `minClusterImages` distinct HD
 * images become clusters (or join an existing cluster they match as a whole); non-HD leftovers may join the new
 * clusters, and leftovers are offered once more to the new clusters that grew by that and to the existing clusters
 * that grew; finally grown
 * clusters are merged with another existing cluster only when their mean pairwise cosine reaches
 * `mergeThreshold`. Earlier assignments are never undone except through such a recorded merge.
 *
 * Cost: O(new x (clusters + candidates)) dot products (onnxruntime by default) plus O(new log new) linkage.
 */
export async function clusterIncremental(
  input: IncrementalInput,
  newId: () => string = defaultClusterId,
): Promise<ClusteringResult> {
  const started = Date.now();
  const run = new Run(input, newId);
  const nNew = input.newFaces.length;
  const allNew = Array.from({ length: nNew }, (_, i) => i);
  const existingIdxs = run.existingIdxs;

  const timings: Record<string, number> = {};
  let lap = Date.now();
  const mark = (phase: string): void => {
    const now = Date.now();
    timings[phase] = now - lap;
    lap = now;
  };
  mark('prepare');
  const poolCandidates = await run.candidatePool(allNew);
  mark('candidatePool');
  await run.holdPeerGroups([...allNew, ...poolCandidates]);
  mark('peerGroups');
  await run.joinClusters(allNew, existingIdxs, 'joined-existing');
  mark('joinExisting');
  const unassignedNew = allNew.filter((f) => run.assignedTo[f] < 0);
  await run.joinClusters(poolCandidates, existingIdxs, 'joined-existing');
  mark('poolJoinExisting');
  const pool = [...unassignedNew, ...poolCandidates].filter((f) => run.assignedTo[f] < 0);
  const leftovers = (): number[] => pool.filter((f) => run.assignedTo[f] < 0);
  const created = await run.seedClusters(pool);
  run.releasePeerGroups();
  mark('seed');
  const seeded = created.map((c) => run.clusters[c].count);
  await run.joinClusters(leftovers(), created, 'joined-new');
  mark('joinNew');
  // Clusters that grew after the sums a face was scored against are re-offered the pool's leftovers with their
  // grown sums: a face that missed a young cluster by a little gets the cluster's lower size margin once it has
  // more members. First the clusters seeded in this run that grew in the step above, then the existing ones.
  await run.joinClusters(
    leftovers(),
    created.filter((c, i) => run.clusters[c].count > seeded[i]),
    'joined-new',
  );
  const grown = existingIdxs.filter((c) => run.clusters[c].added.length > 0);
  await run.joinClusters(leftovers(), grown, 'joined-existing');
  mark('rejoinGrown');
  const merges = await run.mergeExisting();
  mark('mergeExisting');

  const root = (c: WorkCluster): WorkCluster => (c.mergedInto ? root(c.mergedInto) : c);
  const assignments: FaceAssignment[] = [];
  run.faces.forEach((face, i) => {
    const c = run.assignedTo[i];
    if (i >= nNew && c < 0) return;
    assignments.push({
      faceId: face.faceId,
      clusterId: c < 0 ? null : root(run.clusters[c]).id,
      reason: run.reasons[i],
      similarity: c < 0 ? 0 : run.assignedScore[i],
    });
  });

  const maxReps = run.o.maxRepresentatives;
  const addedFaces = (c: WorkCluster): FaceInput[] => c.added.map((f) => run.faces[f]);
  const createdClusters = created.map((i) => buildSummary(run.clusters[i].id, addedFaces(run.clusters[i]), maxReps));
  const updatedClusters: ClusterSummary[] = [];
  const absorbedBy = new Map<WorkCluster, WorkCluster[]>();
  for (const m of run.clusters) {
    if (!m.mergedInto) continue;
    const r = root(m);
    absorbedBy.set(r, [...(absorbedBy.get(r) ?? []), m]);
  }
  for (const c of run.clusters) {
    if (!c.existing || c.mergedInto) continue;
    const absorbed = absorbedBy.get(c) ?? [];
    if (c.added.length === 0 && absorbed.length === 0) continue;
    let s = c.added.length > 0 ? addFacesToSummary(c.existing, addedFaces(c), maxReps) : c.existing;
    for (const m of absorbed) {
      const mSummary =
        m.existing && m.added.length > 0 ? addFacesToSummary(m.existing, addedFaces(m), maxReps) : m.existing;
      if (mSummary) s = mergeSummaries(s, mSummary, maxReps);
    }
    updatedClusters.push(s);
  }
  mark('summaries');

  const joinedExisting = assignments.filter((a) => a.reason === 'joined-existing').length;
  const joinedNew = assignments.filter((a) => a.reason === 'joined-new' || a.reason === 'seeded-new').length;
  return {
    assignments,
    createdClusters,
    updatedClusters,
    merges,
    stats: {
      newFaces: nNew,
      candidates: input.candidates.length,
      poolFaces: pool.length,
      joinedExisting,
      joinedNew,
      independent: assignments.filter((a) => a.clusterId === null).length,
      createdClusters: createdClusters.length,
      merges: merges.length,
      millis: Date.now() - started,
      timings,
    },
  };
}

/**
 * Clusters all faces at once (full rebuild; also the benchmark's reference): the same algorithm as an
 * incremental run from an empty state, so both paths share every threshold.
 */
export async function clusterBatch(
  faces: FaceInput[],
  options?: Partial<ClusteringOptions>,
  newId: () => string = defaultClusterId,
): Promise<BatchResult> {
  const result = await clusterIncremental({ clusters: [], candidates: [], newFaces: faces, options }, newId);
  return { assignments: result.assignments, clusters: result.createdClusters, stats: result.stats };
}
