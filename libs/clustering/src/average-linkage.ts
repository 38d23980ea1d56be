import { MergeHeap } from './max-heap';
import type { NeighbourSearchResult } from './neighbour-index';
import { dot } from './vector-math';

export interface LinkageInput {
  /** n unit vectors, row-major. */
  vectors: Float32Array;
  dim: number;
  /** Image key per point; points sharing a key never end in one group. */
  imageKeys: Int32Array;
  /** kNN of every point among the same points (self entries are ignored). */
  neighbours: NeighbourSearchResult;
  /** Merge two groups while their mean pairwise cosine is >= threshold. */
  threshold: number;
  /** Edges below this cosine are not candidate links. */
  minEdgeSimilarity: number;
}

export interface LinkageGroup {
  members: number[];
  /** Sum of member vectors. */
  sum: Float32Array;
  imageKeys: Set<number>;
}

/**
 * Sparse average-linkage agglomeration: candidate pairs are groups joined by a kNN edge; the linkage itself is
 * exact because, for unit vectors, mean pairwise cosine(A, B) = (sum A)·(sum B) / (|A||B|). Merges happen
 * best-first while the linkage is >= threshold, so there is no single-link chaining: a chain of faces each
 * close to the next but far from the ends never reaches the threshold as a whole.
 */
export function averageLinkage(input: LinkageInput): LinkageGroup[] {
  const { vectors, dim, imageKeys, neighbours, threshold, minEdgeSimilarity } = input;
  const n = imageKeys.length;
  const sums = new Array<Float32Array>(n);
  const counts = new Int32Array(n).fill(1);
  const versions = new Int32Array(n);
  const parent = new Int32Array(n);
  const images = new Array<Set<number> | null>(n).fill(null);
  const adjacency = new Array<Set<number>>(n);
  for (let i = 0; i < n; i++) {
    sums[i] = vectors.subarray(i * dim, (i + 1) * dim);
    parent[i] = i;
    adjacency[i] = new Set();
  }
  const heap = new MergeHeap();
  const { k, indices, similarities } = neighbours;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const nb = indices[i * k + j];
      const s = similarities[i * k + j];
      if (nb < 0 || nb === i || s < minEdgeSimilarity) continue;
      if (imageKeys[nb] === imageKeys[i]) continue;
      if (!adjacency[i].has(nb)) {
        adjacency[i].add(nb);
        adjacency[nb].add(i);
        if (s >= threshold) heap.push(s, i, nb, 0, 0);
      }
    }
  }
  const imagesOf = (c: number): Set<number> => images[c] ?? new Set([imageKeys[c]]);
  const entry = new Int32Array(4);
  while (heap.size > 0) {
    const score = heap.pop(entry);
    if (score < threshold) break;
    let a = entry[0];
    let b = entry[1];
    if (parent[a] !== a || parent[b] !== b || versions[a] !== entry[2] || versions[b] !== entry[3]) continue;
    const ia = imagesOf(a);
    const ib = imagesOf(b);
    let conflict = false;
    const [small, large] = ia.size <= ib.size ? [ia, ib] : [ib, ia];
    for (const key of small) {
      if (large.has(key)) {
        conflict = true;
        break;
      }
    }
    if (conflict) continue;
    if (counts[a] < counts[b]) [a, b] = [b, a];
    if (sums[a].buffer === vectors.buffer) sums[a] = Float32Array.from(sums[a]);
    const sa = sums[a];
    const sb = sums[b];
    for (let d = 0; d < dim; d++) sa[d] += sb[d];
    counts[a] += counts[b];
    const merged = ia.size >= ib.size ? ia : ib;
    for (const key of ia.size >= ib.size ? ib : ia) merged.add(key);
    images[a] = merged;
    images[b] = null;
    parent[b] = a;
    versions[a]++;
    for (const c of adjacency[b]) {
      adjacency[c].delete(b);
      if (c !== a) {
        adjacency[c].add(a);
        adjacency[a].add(c);
      }
    }
    adjacency[a].delete(b);
    adjacency[b] = new Set();
    for (const c of adjacency[a]) {
      const s = dot(sa, 0, sums[c], 0, dim) / (counts[a] * counts[c]);
      if (s >= threshold) heap.push(s, a, c, versions[a], versions[c]);
    }
  }
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r];
    while (parent[i] !== r) {
      const next = parent[i];
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const groups = new Map<number, LinkageGroup>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let g = groups.get(r);
    if (!g) {
      g = { members: [], sum: sums[r], imageKeys: imagesOf(r) };
      groups.set(r, g);
    }
    g.members.push(i);
  }
  return [...groups.values()];
}
