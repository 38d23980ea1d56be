/** Small dense-vector helpers on Float32Array rows. All pure. */

export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < dim; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

/** Returns a unit-length copy of `v` (a zero vector stays zero). */
export function normalized(v: Float32Array): Float32Array {
  const out = new Float32Array(v.length);
  const n = Math.sqrt(dot(v, 0, v, 0, v.length));
  if (n === 0) return out;
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/** Writes the unit-length version of `v` into `target` at row `row`. */
export function writeNormalizedRow(target: Float32Array, row: number, v: Float32Array, dim: number): void {
  const n = Math.sqrt(dot(v, 0, v, 0, dim)) || 1;
  const base = row * dim;
  for (let i = 0; i < dim; i++) target[base + i] = v[i] / n;
}

/** `acc += sign * src[srcOffset .. srcOffset + dim)`. */
export function addInto(acc: Float32Array, src: Float32Array, srcOffset: number, dim: number, sign = 1): void {
  for (let i = 0; i < dim; i++) acc[i] += sign * src[srcOffset + i];
}

/** FNV-1a 32-bit hash of a string; used to keep a compact set of member image ids per cluster. */
export function hashImageId(imageId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < imageId.length; i++) {
    h ^= imageId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Binary search in a sorted Uint32Array. */
export function sortedHas(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** True when two sorted Uint32Arrays share an element. */
export function sortedIntersects(a: Uint32Array, b: Uint32Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return true;
    if (a[i] < b[j]) i++;
    else j++;
  }
  return false;
}

/** Sorted union of sorted arrays and extra values (duplicates removed). */
export function sortedUnion(a: Uint32Array, extra: Iterable<number>): Uint32Array {
  const all = Array.from(a);
  for (const v of extra) all.push(v);
  all.sort((x, y) => x - y);
  const out: number[] = [];
  for (const v of all) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return Uint32Array.from(out);
}
