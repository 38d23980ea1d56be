import {
  createExactNeighbourIndex,
  PROJECTED_INDEX_MIN_SIZE,
  projectedSearch,
  projectRows,
  randomProjection,
} from './onnx-neighbour-index';
import { writeNormalizedRow } from './vector-math';

/** Row-major kNN answer by key: row q holds `k` entries, best first; `null` marks an empty slot. */
export interface KeyedNeighbours {
  k: number;
  keys: Array<string | null>;
  similarities: Float32Array;
}

/**
 * A set of unit vectors addressed by string keys that can change between searches (a data set's cluster
 * directions or its independent faces, kept across clustering runs). Cosine similarity, best first.
 */
export interface MutableVectorIndex {
  readonly dim: number;
  readonly size: number;
  has(key: string): boolean;
  /** Adds or replaces vectors (normalised on the way in); a key repeated in one call keeps its last vector. */
  upsert(keys: readonly string[], vectors: Float32Array): Promise<void>;
  /** Removes keys; unknown keys are ignored. */
  remove(keys: Iterable<string>): void;
  search(queries: Float32Array, k: number): Promise<KeyedNeighbours>;
}

export interface FlatVectorIndexOptions {
  /** Dimensions of the random projection used to shortlist in large indexes (0 = always exact). */
  projectTo?: number;
  /** Indexes with at least this many vectors search the projection, then re-rank exactly. */
  projectAbove?: number;
  /** Shortlist size = k * oversample (at least k + 8). */
  oversample?: number;
  seed?: number;
}

/**
 * Brute-force index kept in memory: full vectors for exact scores, plus their random projection (default 128-d)
 * maintained row by row as vectors come and go, so a search over a large index costs one projected Gemm+TopK
 * (onnxruntime) and an exact re-ranking of the shortlist, and nothing is re-projected per search. Removal
 * moves the last row into the hole (O(dim)).
 */
export class FlatVectorIndex implements MutableVectorIndex {
  private full = new Float32Array(0);
  private projected = new Float32Array(0);
  private readonly keyOfRow: string[] = [];
  private readonly rowOfKey = new Map<string, number>();
  private readonly projection: Float32Array | null;
  private readonly p: number;

  constructor(
    readonly dim: number,
    private readonly options: FlatVectorIndexOptions = {},
  ) {
    const projectTo = options.projectTo ?? 128;
    this.p = projectTo > 0 && projectTo < dim ? projectTo : 0;
    this.projection = this.p > 0 ? randomProjection(dim, this.p, options.seed ?? 12345) : null;
  }

  get size(): number {
    return this.keyOfRow.length;
  }

  has(key: string): boolean {
    return this.rowOfKey.has(key);
  }

  keys(): IterableIterator<string> {
    return this.rowOfKey.keys();
  }

  async upsert(keys: readonly string[], vectors: Float32Array): Promise<void> {
    const { dim, p } = this;
    if (vectors.length !== keys.length * dim) throw new RangeError(`expected ${keys.length} vectors of ${dim}`);
    if (keys.length === 0) return;
    const unit = new Float32Array(vectors.length);
    for (let i = 0; i < keys.length; i++) writeNormalizedRow(unit, i, vectors.subarray(i * dim, (i + 1) * dim), dim);
    const projected = this.projection ? await projectRows(unit, dim, this.projection, p) : null;
    this.reserve(this.size + keys.length);
    keys.forEach((key, i) => {
      let row = this.rowOfKey.get(key);
      if (row === undefined) {
        row = this.keyOfRow.length;
        this.keyOfRow.push(key);
        this.rowOfKey.set(key, row);
      }
      this.full.set(unit.subarray(i * dim, (i + 1) * dim), row * dim);
      if (projected) this.projected.set(projected.subarray(i * p, (i + 1) * p), row * p);
    });
  }

  remove(keys: Iterable<string>): void {
    const { dim, p } = this;
    for (const key of keys) {
      const row = this.rowOfKey.get(key);
      if (row === undefined) continue;
      const last = this.keyOfRow.length - 1;
      if (row !== last) {
        this.full.copyWithin(row * dim, last * dim, (last + 1) * dim);
        if (p > 0) this.projected.copyWithin(row * p, last * p, (last + 1) * p);
        const moved = this.keyOfRow[last];
        this.keyOfRow[row] = moved;
        this.rowOfKey.set(moved, row);
      }
      this.keyOfRow.pop();
      this.rowOfKey.delete(key);
    }
  }

  async search(queries: Float32Array, k: number): Promise<KeyedNeighbours> {
    const { dim, p, size } = this;
    const nq = queries.length / dim;
    const keys = new Array<string | null>(nq * k).fill(null);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    if (size === 0 || nq === 0 || k === 0) return { k, keys, similarities };
    const q = new Float32Array(queries.length);
    for (let i = 0; i < nq; i++) writeNormalizedRow(q, i, queries.subarray(i * dim, (i + 1) * dim), dim);
    const base = this.full.subarray(0, size * dim);

    const found =
      !this.projection || size < (this.options.projectAbove ?? PROJECTED_INDEX_MIN_SIZE)
        ? await createExactNeighbourIndex(base, dim).search(q, k)
        : await projectedSearch(
            q,
            {
              base,
              dim,
              r: this.projection,
              projected: createExactNeighbourIndex(this.projected.subarray(0, size * p), p),
            },
            k,
            this.options.oversample,
          );
    for (let i = 0; i < found.indices.length; i++) {
      const row = found.indices[i];
      if (row < 0) continue;
      keys[i] = this.keyOfRow[row];
      similarities[i] = found.similarities[i];
    }
    return { k, keys, similarities };
  }

  private reserve(rows: number): void {
    const capacity = this.full.length / this.dim;
    if (rows <= capacity) return;
    // Headroom, so that the few rows each run adds do not copy the whole index every time.
    const next = Math.max(Math.ceil(rows * 1.25), Math.ceil(capacity * 1.5), 1024);
    const full = new Float32Array(next * this.dim);
    full.set(this.full);
    this.full = full;
    if (this.p > 0) {
      const projected = new Float32Array(next * this.p);
      projected.set(this.projected);
      this.projected = projected;
    }
  }
}
