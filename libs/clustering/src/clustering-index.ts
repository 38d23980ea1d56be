import { ClusteringOptions, resolveOptions } from './clustering-options';
import type { ClusterSummary, ClusteringResult, FaceInput, IncrementalInput } from './clustering.types';
import { FlatVectorIndex, KeyedNeighbours, MutableVectorIndex } from './vector-index';

/**
 * Where a run's state comes from (the clusterer app: its database transaction). Ids that no longer exist, and
 * faces that are no longer independent, are simply left out of the answers.
 */
export interface RunScopeLoader {
  /** Stored summaries of these clusters. */
  clusters(ids: string[]): Promise<ClusterSummary[]>;
  /** These faces, if they are still independent (candidates). */
  candidates(ids: string[]): Promise<FaceInput[]>;
}

/** What changed in the stored state, applied to the index once it is committed. */
export interface ClusteringIndexChange {
  /** The run's result (created, updated and merged clusters; assignments). */
  result?: ClusteringResult | null;
  /** The run's new faces: those left independent become candidates. */
  newFaces?: readonly FaceInput[];
  /** Summaries rewritten outside the algorithm (clusters rebuilt after deletions); they win over `result`'s. */
  rebuilt?: readonly ClusterSummary[];
  /** Clusters deleted (all their faces gone). */
  deletedClusters?: readonly string[];
}

export interface RunScopeStats {
  clusters: number;
  candidates: number;
}

export type VectorIndexFactory = (dim: number) => MutableVectorIndex;

/**
 * A data set's search structure kept between runs: the direction of every cluster (its normalised `sum`) and the
 * embedding of every independent face. A run then only searches it with the new faces and loads the summaries
 * and candidates it shortlists, instead of loading and scanning the whole data set.
 *
 * The index only shortlists; every decision is still taken on the loaded summaries, so an index that is a little
 * behind (a cluster's direction drifted, a deleted face still listed) costs recall of the shortlist at worst,
 * never a wrong write. Callers must only `apply` changes that were committed.
 */
export class ClusteringIndex {
  constructor(
    readonly clusters: MutableVectorIndex,
    readonly candidates: MutableVectorIndex,
  ) {}

  static create(dim: number, factory: VectorIndexFactory = (d) => new FlatVectorIndex(d)): ClusteringIndex {
    return new ClusteringIndex(factory(dim), factory(dim));
  }

  get dim(): number {
    return this.clusters.dim;
  }

  async addClusters(summaries: ReadonlyArray<Pick<ClusterSummary, 'clusterId' | 'sum'>>): Promise<void> {
    await this.clusters.upsert(
      summaries.map((s) => s.clusterId),
      this.stack(summaries.map((s) => s.sum)),
    );
  }

  async addCandidates(faces: ReadonlyArray<Pick<FaceInput, 'faceId' | 'embedding'>>): Promise<void> {
    await this.candidates.upsert(
      faces.map((f) => f.faceId),
      this.stack(faces.map((f) => f.embedding)),
    );
  }

  /**
   * The input of one incremental run over `newFaces`, loading only what the run can touch:
   * - the clusters within `clusterCandidates` nearest directions of each new face,
   * - the candidates within `knn` of a new face (cosine >= `minEdgeSimilarity`: the run's candidate pool), and the
   *   clusters nearest to those,
   * - the clusters near any of these (possible merges once they grow).
   * Links below `minEdgeSimilarity` are dropped: a face's mean cosine to a cluster is at most its cosine to the
   * cluster's direction, so such clusters could never reach a join, linkage or merge threshold.
   */
  async scope(
    newFaces: FaceInput[],
    loader: RunScopeLoader,
    options?: Partial<ClusteringOptions>,
  ): Promise<{ input: IncrementalInput; stats: RunScopeStats }> {
    const o = resolveOptions(options);
    const minSimilarity = o.minEdgeSimilarity;
    const clusterIds = new Set<string>();
    const nearClusters = async (vectors: Float32Array, k: number, into: Set<string>): Promise<void> => {
      const kk = Math.min(k, this.clusters.size);
      if (kk > 0 && vectors.length > 0) collect(await this.clusters.search(vectors, kk), minSimilarity, into);
    };

    const queries = this.stack(newFaces.map((f) => f.embedding));
    const candidateIds = new Set<string>();
    const kc = Math.min(o.knn, this.candidates.size);
    // The two searches of the new faces are independent: onnxruntime runs them side by side (its TopK is serial).
    await Promise.all([
      nearClusters(queries, o.clusterCandidates, clusterIds),
      kc > 0 && newFaces.length > 0
        ? this.candidates.search(queries, kc).then((found) => collect(found, minSimilarity, candidateIds))
        : undefined,
    ]);
    const pool = candidateIds.size > 0 ? await loader.candidates([...candidateIds]) : [];
    await nearClusters(this.stack(pool.map((f) => f.embedding)), o.clusterCandidates, clusterIds);

    const clusters = clusterIds.size > 0 ? await loader.clusters([...clusterIds]) : [];
    const neighbours = new Set<string>();
    await nearClusters(this.stack(clusters.map((c) => c.sum)), o.clusterCandidates + 1, neighbours);
    for (const c of clusters) neighbours.delete(c.clusterId);
    if (neighbours.size > 0) clusters.push(...(await loader.clusters([...neighbours])));

    return {
      input: { clusters, candidates: pool, newFaces, options },
      stats: { clusters: clusters.length, candidates: pool.length },
    };
  }

  /** Brings the index up to date with a committed run (or committed deletions). */
  async apply(change: ClusteringIndexChange): Promise<void> {
    const { result, newFaces = [], rebuilt = [], deletedClusters = [] } = change;
    // One vector per cluster; a rebuilt summary overrides the run's version of it.
    const upserts = new Map<string, ClusterSummary>();
    for (const s of [...(result?.createdClusters ?? []), ...(result?.updatedClusters ?? []), ...rebuilt])
      upserts.set(s.clusterId, s);
    await this.addClusters([...upserts.values()]);
    this.clusters.remove([...deletedClusters, ...(result?.merges ?? []).map((m) => m.from)]);
    if (!result) return;
    const clusterOf = new Map(result.assignments.map((a) => [a.faceId, a.clusterId]));
    this.candidates.remove(result.assignments.filter((a) => a.clusterId !== null).map((a) => a.faceId));
    await this.addCandidates(newFaces.filter((f) => clusterOf.get(f.faceId) === null));
  }

  private stack(vectors: readonly Float32Array[]): Float32Array {
    const dim = this.dim;
    const out = new Float32Array(vectors.length * dim);
    vectors.forEach((v, i) => {
      if (v.length !== dim) throw new RangeError(`expected vectors of ${dim} dimensions, got ${v.length}`);
      out.set(v, i * dim);
    });
    return out;
  }
}

function collect(found: KeyedNeighbours, minSimilarity: number, into: Set<string>): void {
  found.keys.forEach((key, i) => {
    if (key !== null && found.similarities[i] >= minSimilarity) into.add(key);
  });
}
