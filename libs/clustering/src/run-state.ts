import { ClusteringOptions, resolveOptions } from './clustering-options';
import type {
  ClusterDecision,
  ClusterMerge,
  ClusterSummary,
  ClusteringStage,
  FaceAssignmentReason,
  FaceInput,
  FaceRule,
  IncrementalInput,
  JoinBlock,
} from './clustering.types';
import { JoinRule } from './join-rule';
import type { NeighbourIndex } from './neighbour-index';
import { createDefaultNeighbourIndex } from './onnx-neighbour-index';
import { hashImageId, sortedHas, sortedIntersects, writeNormalizedRow } from './vector-math';

/** A cluster being worked on during one run: an existing summary or one seeded in this run. */
export interface WorkCluster {
  id: string;
  existing: ClusterSummary | null;
  count: number;
  sum: Float32Array;
  addedHashes: Set<number>;
  added: number[];
  /** Set when merged into another cluster in this run. */
  mergedInto: WorkCluster | null;
}

/** A group of the run's unassigned HD faces (face indices) that could seed a cluster, with its embedding sum. */
export interface SeedGroup {
  members: number[];
  sum: Float32Array;
}

const BLOCKS: readonly JoinBlock[] = ['join-bar', 'peer-floor', 'same-image'];

/**
 * Everything one run works on and decides, shared by its stages: the faces (new faces first, then the earlier
 * independents handed in as candidates) as a normalised matrix, the clusters (existing ones first), each face's
 * assignment with the stage and rule that made it, the peer-group hold, and what each stage hands to the next.
 */
export class RunState {
  readonly o: ClusteringOptions;
  readonly rule: JoinRule;
  readonly faces: FaceInput[];
  readonly nNew: number;
  readonly hashes: Uint32Array;
  readonly matrix: Float32Array;
  readonly dim: number;
  readonly assignedTo: Int32Array;
  readonly assignedScore: Float64Array;
  readonly reasons: FaceAssignmentReason[];
  /** Per face: the stage, rule and bar of its assignment. */
  readonly stages: Array<ClusteringStage | null>;
  readonly rules: FaceRule[];
  readonly bars: Float64Array;
  /** Per face: the best-scoring cluster that did not admit it, its score, bar and what kept it out (index in BLOCKS). */
  readonly nearCluster: Int32Array;
  readonly nearScore: Float64Array;
  readonly nearBar: Float64Array;
  readonly nearBlock: Uint8Array;
  /** Per face: the mean cosine to its peer group that a join must reach (see the peer-groups stage). */
  readonly floors: Float64Array;
  /** Per face: the existing cluster its peer group matches as a whole (no floor for that one), or -1. */
  readonly peerCluster: Int32Array;
  readonly clusters: WorkCluster[] = [];
  /** Indices of the clusters that existed before this run (they come first in `clusters`). */
  readonly existingIdxs: number[] = [];
  /** Indices of the new faces (0 .. nNew - 1). */
  readonly newFaceIdxs: number[];

  // Hand-over between stages.
  /** candidate-pool: the earlier independents re-examined in this run. */
  poolCandidates: number[] = [];
  /** seed: the unassigned new faces and pool candidates the seed stage started from. */
  pool: number[] = [];
  /** seed: the clusters created in this run, and their sizes when seeded. */
  created: number[] = [];
  seededCounts: number[] = [];
  /** merge: the merges of existing clusters. */
  merges: ClusterMerge[] = [];
  readonly clusterDecisions: Array<Omit<ClusterDecision, 'clusterId' | 'into'> & { cluster: number; into: number }> =
    [];

  private existingIndexCache: NeighbourIndex | undefined;

  constructor(
    readonly input: IncrementalInput,
    readonly newId: () => string,
  ) {
    this.o = resolveOptions(input.options);
    this.rule = new JoinRule(this.o);
    this.faces = [...input.newFaces, ...input.candidates];
    this.nNew = input.newFaces.length;
    this.newFaceIdxs = Array.from({ length: this.nNew }, (_, i) => i);
    const first = this.faces[0]?.embedding ?? input.clusters[0]?.sum;
    this.dim = first ? first.length : 0;
    this.matrix = new Float32Array(this.faces.length * this.dim);
    this.faces.forEach((f, i) => {
      if (f.embedding.length !== this.dim) throw new RangeError(`face ${f.faceId} has a different embedding size`);
      writeNormalizedRow(this.matrix, i, f.embedding, this.dim);
    });
    const n = this.faces.length;
    this.hashes = Uint32Array.from(this.faces.map((f) => hashImageId(f.imageId)));
    this.assignedTo = new Int32Array(n).fill(-1);
    this.assignedScore = new Float64Array(n);
    this.reasons = this.faces.map(() => 'independent');
    this.stages = this.faces.map(() => null);
    this.rules = this.faces.map(() => 'no-cluster');
    this.bars = new Float64Array(n).fill(NaN);
    this.nearCluster = new Int32Array(n).fill(-1);
    this.nearScore = new Float64Array(n).fill(-Infinity);
    this.nearBar = new Float64Array(n);
    this.nearBlock = new Uint8Array(n);
    this.floors = new Float64Array(n).fill(-Infinity);
    this.peerCluster = new Int32Array(n).fill(-1);
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

  /** Faces of `faceIdxs` not assigned yet. */
  unassigned(faceIdxs: number[]): number[] {
    return faceIdxs.filter((f) => this.assignedTo[f] < 0);
  }

  /**
   * One kNN index over the existing clusters' directions at the start of the run, shared by every stage: it only
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

  /** A new, empty cluster (seed stage); returns its index. */
  createCluster(): number {
    this.clusters.push({
      id: this.newId(),
      existing: null,
      count: 0,
      sum: new Float32Array(this.dim),
      addedHashes: new Set(),
      added: [],
      mergedInto: null,
    });
    return this.clusters.length - 1;
  }

  /** Assigns a face, recording the stage and rule that decided it. */
  addFace(
    face: number,
    cluster: number,
    score: number,
    reason: FaceAssignmentReason,
    stage: ClusteringStage,
    rule: FaceRule,
    bar: number,
  ): void {
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
    this.stages[face] = stage;
    this.rules[face] = rule;
    this.bars[face] = bar;
  }

  /** Remembers a cluster that did not admit a face, when it is the best-scoring such cluster so far. */
  noteMiss(face: number, cluster: number, score: number, bar: number, block: JoinBlock): void {
    if (!(score > this.nearScore[face])) return;
    this.nearCluster[face] = cluster;
    this.nearScore[face] = score;
    this.nearBar[face] = bar;
    this.nearBlock[face] = BLOCKS.indexOf(block);
  }

  nearest(face: number): { clusterId: string; similarity: number; bar: number; blockedBy: JoinBlock } | null {
    const c = this.nearCluster[face];
    if (c < 0) return null;
    return {
      clusterId: this.root(this.clusters[c]).id,
      similarity: this.nearScore[face],
      bar: this.nearBar[face],
      blockedBy: BLOCKS[this.nearBlock[face]],
    };
  }

  root(c: WorkCluster): WorkCluster {
    return c.mergedInto ? this.root(c.mergedInto) : c;
  }

  sharesImage(a: WorkCluster, b: WorkCluster): boolean {
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
