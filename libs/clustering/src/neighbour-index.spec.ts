import { JsExactNeighbourIndex } from './neighbour-index';
import { OnnxNeighbourIndex, ProjectedNeighbourIndex } from './onnx-neighbour-index';
import { randomUnitVector, seededRandom, syntheticPeople } from '@app/testing';

describe('neighbour indexes', () => {
  // Under jest onnxruntime's typed-array checks fail across the sandbox realm and the index falls back to JS;
  // the benchmarks (ts-node) exercise the onnxruntime path.
  it('onnxruntime Gemm+TopK (or its fallback) agrees with the plain-JS brute force', async () => {
    const random = seededRandom(3);
    const dim = 32;
    const base = new Float32Array(600 * dim);
    for (let i = 0; i < 600; i++) base.set(randomUnitVector(random, dim), i * dim);
    const queries = base.slice(0, 50 * dim);
    const js = await new JsExactNeighbourIndex(base, dim).search(queries, 5);
    const onnx = await new OnnxNeighbourIndex(base, dim, { jsBelowDotProducts: 0 }).search(queries, 5);
    expect(Array.from(onnx.indices)).toEqual(Array.from(js.indices));
    onnx.similarities.forEach((s, i) => expect(s).toBeCloseTo(js.similarities[i], 4));
    expect(js.indices[0]).toBe(0);
  });

  it('marks missing neighbours with -1 when k exceeds the base', async () => {
    const base = Float32Array.from([1, 0, 0, 1]);
    const r = await new OnnxNeighbourIndex(base, 2, { jsBelowDotProducts: 0 }).search(Float32Array.from([1, 0]), 3);
    expect(Array.from(r.indices)).toEqual([0, 1, -1]);
  });

  it('random projection + exact re-ranking finds the same people as exact search', async () => {
    const faces = syntheticPeople(
      Array.from({ length: 150 }, (_, i) => 1 + (i % 5)),
      9,
      { dim: 256 },
    ).flatMap((p) => p.faces);
    const dim = 256;
    const base = new Float32Array(faces.length * dim);
    faces.forEach((f, i) => base.set(f.embedding, i * dim));
    const queries = base.slice(0, 100 * dim);
    const exact = await new JsExactNeighbourIndex(base, dim).search(queries, 5);
    const approx = await new ProjectedNeighbourIndex(base, dim, { dims: 64 }).search(queries, 5);
    // Recall of the neighbours that matter (same person, cosine >= 0.3); the order of unrelated ones is noise.
    let wanted = 0;
    let found = 0;
    for (let q = 0; q < 100; q++) {
      const got = new Set(Array.from(approx.indices.subarray(q * 5, q * 5 + 5)));
      for (let j = 0; j < 5; j++) {
        if (exact.similarities[q * 5 + j] < 0.3) continue;
        wanted++;
        if (got.has(exact.indices[q * 5 + j])) found++;
      }
    }
    expect(wanted).toBeGreaterThan(100);
    expect(found / wanted).toBeGreaterThan(0.98);
  });
});
