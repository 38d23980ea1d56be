import { dot } from './vector-math';

/** Row-major k-nearest-neighbour answer: row q holds `k` entries; index -1 marks an empty slot. */
export interface NeighbourSearchResult {
  k: number;
  indices: Int32Array;
  similarities: Float32Array;
}

/**
 * Exact or approximate maximum-inner-product search over a fixed base of unit vectors.
 * Implementations: {@link JsExactNeighbourIndex} (plain JS), `OnnxNeighbourIndex` (onnxruntime MatMul+TopK).
 */
export interface NeighbourIndex {
  readonly size: number;
  readonly dim: number;
  search(queries: Float32Array, k: number): Promise<NeighbourSearchResult>;
}

export type NeighbourIndexFactory = (base: Float32Array, dim: number) => NeighbourIndex;

/** Brute force in plain JS (~4 M dot products/s): the fallback and the choice for small problems. */
export class JsExactNeighbourIndex implements NeighbourIndex {
  readonly size: number;

  constructor(
    private readonly base: Float32Array,
    readonly dim: number,
  ) {
    this.size = base.length / dim;
  }

  search(queries: Float32Array, k: number): Promise<NeighbourSearchResult> {
    return Promise.resolve(this.searchSync(queries, k));
  }

  searchSync(queries: Float32Array, k: number): NeighbourSearchResult {
    const { dim, size, base } = this;
    const nq = queries.length / dim;
    const indices = new Int32Array(nq * k).fill(-1);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    for (let q = 0; q < nq; q++) {
      const row = q * k;
      let filled = 0;
      for (let j = 0; j < size; j++) {
        filled = insertTopK(similarities, indices, row, k, filled, j, dot(queries, q * dim, base, j * dim, dim));
      }
    }
    return { k, indices, similarities };
  }
}

/**
 * Inserts candidate `index` with score `s` into one query's descending top-k, kept in `similarities`/`indices` at
 * `row .. row + k` with `filled` places used; returns the new count. At or below the k-th score of a full list the
 * candidate is dropped, so scanning many candidates costs one comparison each.
 */
export function insertTopK(
  similarities: Float32Array,
  indices: Int32Array,
  row: number,
  k: number,
  filled: number,
  index: number,
  s: number,
): number {
  if (filled === k && s <= similarities[row + k - 1]) return filled;
  let pos = filled < k ? filled++ : k - 1;
  while (pos > 0 && similarities[row + pos - 1] < s) {
    similarities[row + pos] = similarities[row + pos - 1];
    indices[row + pos] = indices[row + pos - 1];
    pos--;
  }
  similarities[row + pos] = s;
  indices[row + pos] = index;
  return filled;
}
