import { deserializeSummary, FlatVectorIndex } from '@app/clustering';

export interface ClusterMatch {
  clusterId: string;
  /** Mean cosine of the face to the cluster's members (exact, from the summary's sum and count). */
  cosine: number;
}

/** Directions searched per query before exact re-scoring (a face's best clusters are among its nearest directions). */
const SHORTLIST = 16;

/**
 * The clusters of one dataset, for "which cluster is this face": each cluster's direction (normalised sum of its
 * members' embeddings) in a FlatVectorIndex to shortlist, and its sum and count to score the shortlist exactly
 * (mean cosine to the members = face . sum / count, the measure the clustering joins faces by).
 */
export class ClusterMatchIndex {
  private readonly directions: FlatVectorIndex;
  private readonly sums = new Map<string, { sum: Float32Array; count: number }>();
  /** Version of each cluster's summary as last loaded (see FigureClusterRepository.summaryVersions). */
  readonly versions = new Map<string, string>();

  constructor(readonly dim = 512) {
    this.directions = new FlatVectorIndex(dim);
  }

  get size(): number {
    return this.sums.size;
  }

  /** Adds or replaces clusters from their stored summaries (rows without a summary are skipped). */
  async load(rows: Array<{ id: string; summary: Buffer | null; version: string }>): Promise<void> {
    const keys: string[] = [];
    const vectors: Float32Array[] = [];
    for (const row of rows) {
      if (!row.summary) continue;
      const s = deserializeSummary(row.summary);
      if (s.count === 0 || s.sum.length !== this.dim) continue;
      this.sums.set(row.id, { sum: s.sum, count: s.count });
      this.versions.set(row.id, row.version);
      keys.push(row.id);
      vectors.push(s.sum);
    }
    if (keys.length === 0) return;
    const stacked = new Float32Array(keys.length * this.dim);
    vectors.forEach((v, i) => stacked.set(v, i * this.dim));
    await this.directions.upsert(keys, stacked);
  }

  remove(ids: Iterable<string>): void {
    const list = [...ids];
    for (const id of list) {
      this.sums.delete(id);
      this.versions.delete(id);
    }
    this.directions.remove(list);
  }

  /** The best clusters for each query face, best first (at most `k` each). */
  async match(embeddings: Float32Array[], k: number): Promise<ClusterMatch[][]> {
    if (embeddings.length === 0) return [];
    if (this.size === 0 || k <= 0) return embeddings.map(() => []);
    const queries = new Float32Array(embeddings.length * this.dim);
    embeddings.forEach((e, i) => queries.set(e, i * this.dim));
    const shortlist = Math.min(this.size, Math.max(SHORTLIST, k));
    const found = await this.directions.search(queries, shortlist);
    return embeddings.map((e, q) => {
      const out: ClusterMatch[] = [];
      for (let j = 0; j < shortlist; j++) {
        const id = found.keys[q * shortlist + j];
        const entry = id ? this.sums.get(id) : undefined;
        if (!id || !entry) continue;
        let dot = 0;
        for (let d = 0; d < this.dim; d++) dot += e[d] * entry.sum[d];
        out.push({ clusterId: id, cosine: dot / entry.count });
      }
      out.sort((a, b) => b.cosine - a.cosine);
      return out.slice(0, k);
    });
  }
}
