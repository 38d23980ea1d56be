import { NEIGHBOUR_SEARCH_DEFAULTS } from './clustering-options';
import {
  createExactNeighbourIndex,
  PROJECTED_INDEX_MIN_SIZE,
  projectedSearch,
  projectRows,
  QuantizedNeighbourIndex,
  quantizationScales,
  quantizeBaseValue,
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
 * kept as 8-bit codes, maintained row by row as vectors come and go, so a search over a large index costs one 8-bit
 * MatMulInteger+TopK over the codes (onnxruntime, on the CPU's 8-bit dot-product instructions) and an exact
 * re-ranking of the shortlist, and nothing is re-projected per search. The codes are stored transposed
 * ([projectTo, capacity], the layout MatMulInteger takes) so a search reads them in place or after one copy per
 * change. Removal moves the last row into the hole (O(dim)).
 *
 * Still linear in the index size: on random-like embeddings (different people near-orthogonal in 512-d) neither an
 * IVF index nor HNSW reached this shortlist's recall for less work (libs/clustering/README.md, "Clustering at scale").
 */
export class FlatVectorIndex implements MutableVectorIndex {
  private full = new Float32Array(0);
  /** Projected rows as int8 codes, transposed: code of row r, dimension j at [j * capacity + r]. */
  private codes = new Int8Array(0);
  private capacity = 0;
  /** The codes as [p, size] for a search; dropped on every change. */
  private packed: Int8Array | null = null;
  private readonly keyOfRow: string[] = [];
  private readonly rowOfKey = new Map<string, number>();
  private readonly projection: Float32Array | null;
  private readonly p: number;
  private readonly codeScale: number;

  constructor(
    readonly dim: number,
    private readonly options: FlatVectorIndexOptions = {},
  ) {
    const projectTo = options.projectTo ?? NEIGHBOUR_SEARCH_DEFAULTS.projectionDims;
    this.p = projectTo > 0 && projectTo < dim ? projectTo : 0;
    this.projection =
      this.p > 0 ? randomProjection(dim, this.p, options.seed ?? NEIGHBOUR_SEARCH_DEFAULTS.projectionSeed) : null;
    this.codeScale = this.p > 0 ? quantizationScales(this.p).base : 0;
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
    this.packed = null;
    keys.forEach((key, i) => {
      let row = this.rowOfKey.get(key);
      if (row === undefined) {
        row = this.keyOfRow.length;
        this.keyOfRow.push(key);
        this.rowOfKey.set(key, row);
      }
      this.full.set(unit.subarray(i * dim, (i + 1) * dim), row * dim);
      if (projected) this.writeCodes(row, projected, i * p);
    });
  }

  remove(keys: Iterable<string>): void {
    const { dim, p, capacity, codes } = this;
    for (const key of keys) {
      const row = this.rowOfKey.get(key);
      if (row === undefined) continue;
      this.packed = null;
      const last = this.keyOfRow.length - 1;
      if (row !== last) {
        this.full.copyWithin(row * dim, last * dim, (last + 1) * dim);
        for (let j = 0; j < p; j++) codes[j * capacity + row] = codes[j * capacity + last];
        const moved = this.keyOfRow[last];
        this.keyOfRow[row] = moved;
        this.rowOfKey.set(moved, row);
      }
      this.keyOfRow.pop();
      this.rowOfKey.delete(key);
    }
  }

  /** The exact answer (every vector scored in full), e.g. to measure the shortlist's recall. */
  searchExact(queries: Float32Array, k: number): Promise<KeyedNeighbours> {
    return this.find(queries, k, true);
  }

  search(queries: Float32Array, k: number): Promise<KeyedNeighbours> {
    return this.find(queries, k, false);
  }

  private async find(queries: Float32Array, k: number, exact: boolean): Promise<KeyedNeighbours> {
    const { dim, p, size } = this;
    const nq = queries.length / dim;
    const keys = new Array<string | null>(nq * k).fill(null);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    if (size === 0 || nq === 0 || k === 0) return { k, keys, similarities };
    const q = new Float32Array(queries.length);
    for (let i = 0; i < nq; i++) writeNormalizedRow(q, i, queries.subarray(i * dim, (i + 1) * dim), dim);
    const base = this.full.subarray(0, size * dim);

    const found =
      exact || !this.projection || size < (this.options.projectAbove ?? PROJECTED_INDEX_MIN_SIZE)
        ? await createExactNeighbourIndex(base, dim).search(q, k)
        : await projectedSearch(
            q,
            {
              base,
              dim,
              r: this.projection,
              projected: new QuantizedNeighbourIndex(this.packedCodes(), p, size),
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

  private writeCodes(row: number, projected: Float32Array, offset: number): void {
    const { p, capacity, codes, codeScale } = this;
    for (let j = 0; j < p; j++) codes[j * capacity + row] = quantizeBaseValue(projected[offset + j], codeScale);
  }

  /** The codes of the current rows as int8[p, size]: in place when full, else one copy kept until a change. */
  private packedCodes(): Int8Array {
    const { p, size, capacity } = this;
    if (size === capacity) return this.codes;
    if (!this.packed) {
      const packed = new Int8Array(p * size);
      for (let j = 0; j < p; j++) packed.set(this.codes.subarray(j * capacity, j * capacity + size), j * size);
      this.packed = packed;
    }
    return this.packed;
  }

  private reserve(rows: number): void {
    const { capacity, p } = this;
    if (rows <= capacity) return;
    // Headroom, so that the few rows each run adds do not copy the whole index every time.
    const next = Math.max(Math.ceil(rows * 1.25), Math.ceil(capacity * 1.5), 1024);
    const full = new Float32Array(next * this.dim);
    full.set(this.full);
    this.full = full;
    if (p > 0) {
      const codes = new Int8Array(next * p);
      for (let j = 0; j < p; j++) codes.set(this.codes.subarray(j * capacity, j * capacity + this.size), j * next);
      this.codes = codes;
    }
    this.capacity = next;
  }
}
