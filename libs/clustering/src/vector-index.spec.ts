import { JsExactNeighbourIndex } from './neighbour-index';
import { QuantizedNeighbourIndex, quantizationScales, quantizeBaseValue } from './onnx-neighbour-index';
import { randomUnitVector, seededRandom, syntheticPeople } from '@app/testing';
import { FlatVectorIndex } from './vector-index';

function vectors(n: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) out.set(randomUnitVector(random, dim), i * dim);
  return out;
}

describe('FlatVectorIndex', () => {
  it('answers like brute force by key, and follows upserts and removals', async () => {
    const dim = 16;
    const base = vectors(200, dim, 1);
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const index = new FlatVectorIndex(dim);
    await index.upsert(keys.slice(0, 120), base.subarray(0, 120 * dim));
    await index.upsert(keys.slice(120), base.subarray(120 * dim));
    expect(index.size).toBe(200);

    const queries = vectors(30, dim, 2);
    const exact = new JsExactNeighbourIndex(base, dim).searchSync(queries, 5);
    const found = await index.search(queries, 5);
    expect(found.keys).toEqual(Array.from(exact.indices, (i) => `k${i}`));

    // Remove the first hit of query 0 and every even key: they disappear, the others keep their vectors.
    const removed = new Set([found.keys[0]!, ...keys.filter((_, i) => i % 2 === 0)]);
    index.remove(removed);
    index.remove(['unknown']);
    expect(index.size).toBe(200 - removed.size);
    const after = await index.search(queries, 5);
    for (const key of after.keys) expect(removed.has(key!)).toBe(false);
    const kept = keys.map((k, i) => [k, i] as const).filter(([k]) => !removed.has(k));
    const keptBase = new Float32Array(kept.length * dim);
    kept.forEach(([, i], row) => keptBase.set(base.subarray(i * dim, (i + 1) * dim), row * dim));
    const exactAfter = new JsExactNeighbourIndex(keptBase, dim).searchSync(queries, 5);
    expect(after.keys).toEqual(Array.from(exactAfter.indices, (row) => kept[row][0]));

    // Upserting an existing key replaces its vector: searching with it finds it at similarity 1.
    const moved = kept[3][0];
    await index.upsert([moved], queries.subarray(0, dim));
    const again = await index.search(queries.subarray(0, dim), 1);
    expect(again.keys[0]).toBe(moved);
    expect(again.similarities[0]).toBeCloseTo(1, 5);
    expect(index.size).toBe(200 - removed.size);
  });

  it('pads with null when k exceeds the size and answers an empty index', async () => {
    const index = new FlatVectorIndex(2);
    expect((await index.search(Float32Array.from([1, 0]), 2)).keys).toEqual([null, null]);
    await index.upsert(['a'], Float32Array.from([3, 0]));
    const r = await index.search(Float32Array.from([2, 0]), 2);
    expect(r.keys).toEqual(['a', null]);
    expect(r.similarities[0]).toBeCloseTo(1, 6);
  });

  it('finds the same people through its maintained projection as exactly', async () => {
    const dim = 256;
    const people = syntheticPeople(
      Array.from({ length: 300 }, () => 3),
      5,
      { dim },
    );
    const faces = people.flatMap((p) => p.faces);
    const projected = new FlatVectorIndex(dim, { projectTo: 64, projectAbove: 0 });
    const exact = new FlatVectorIndex(dim, { projectTo: 0 });
    const stacked = new Float32Array(faces.length * dim);
    faces.forEach((f, i) => stacked.set(f.embedding, i * dim));
    for (const index of [projected, exact]) {
      await index.upsert(
        faces.map((f) => f.faceId),
        stacked,
      );
      index.remove(faces.filter((_, i) => i % 7 === 0).map((f) => f.faceId));
    }
    const queries = stacked.subarray(0, 60 * dim);
    const a = await projected.search(queries, 3);
    const b = await exact.search(queries, 3);
    // Same people (cosine ~0.68) found; the third slot holds an unrelated face (cosine ~0) and may differ.
    let samePerson = 0;
    b.keys.forEach((key, i) => {
      if (b.similarities[i] < 0.3) return;
      samePerson++;
      expect(a.keys[i]).toBe(key);
      expect(a.similarities[i]).toBeCloseTo(b.similarities[i], 5);
    });
    expect(samePerson).toBeGreaterThan(100);
  });

  it('keeps its 8-bit codes in step with the rows across growth, replacement and removal', async () => {
    const dim = 96;
    const n = 2600; // past the first capacities (1024, then 1.5x), so the transposed codes are re-laid out
    const base = vectors(n, dim, 5);
    const keys = Array.from({ length: n }, (_, i) => `k${i}`);
    const projected = new FlatVectorIndex(dim, { projectTo: 32, projectAbove: 0, oversample: 8 });
    const exact = new FlatVectorIndex(dim, { projectTo: 0 });
    for (const index of [projected, exact]) {
      for (let start = 0; start < n; start += 700) {
        const end = Math.min(n, start + 700);
        await index.upsert(keys.slice(start, end), base.subarray(start * dim, end * dim));
      }
      index.remove(keys.filter((_, i) => i % 3 === 0));
      await index.upsert(['k1'], base.subarray(2 * dim, 3 * dim));
    }
    // Queries equal to stored vectors: the vector itself must come first, found through the codes.
    const rows = [1, 2, 5, 100, 1000, 2000, 2599];
    const queries = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => queries.set(base.subarray(row * dim, (row + 1) * dim), i * dim));
    const a = await projected.search(queries, 2);
    const b = await exact.search(queries, 2);
    rows.forEach((row, i) => {
      if (row === 1) return; // k1 now holds row 2's vector: row 1's is stored nowhere (the runner-up is random)
      expect(a.keys[i * 2]).toBe(b.keys[i * 2]);
      expect(a.similarities[i * 2]).toBeCloseTo(1, 5);
      if (row === 2) expect(new Set(a.keys.slice(i * 2, i * 2 + 2))).toEqual(new Set(['k1', 'k2']));
      else expect(a.keys[i * 2]).toBe(`k${row}`);
    });
    expect(projected.size).toBe(exact.size);
  });
});

describe('QuantizedNeighbourIndex', () => {
  it('ranks like exact inner products of the projected vectors, scores within 0.01', async () => {
    const dim = 64;
    const n = 300;
    // Components ~N(0, 1/dim), as the random projection of a unit vector has.
    const base = vectors(n, dim, 3);
    const scale = quantizationScales(dim).base;
    const codesT = new Int8Array(dim * n);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++) codesT[d * n + i] = quantizeBaseValue(base[i * dim + d], scale);
    const queries = base.subarray(0, 20 * dim);
    const found = await new QuantizedNeighbourIndex(codesT, dim, n).search(queries, 3);
    const exact = new JsExactNeighbourIndex(base, dim).searchSync(queries, 3);
    for (let q = 0; q < 20; q++) expect(found.indices[q * 3]).toBe(q);
    for (let i = 0; i < found.similarities.length; i++) {
      expect(Math.abs(found.similarities[i] - exact.similarities[i])).toBeLessThan(0.01);
    }
  });
});
