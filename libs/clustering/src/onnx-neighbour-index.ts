import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildGatherDotGraph, buildProjectionGraph, buildQuantizedTopKGraph, buildTopKGraph } from './onnx-graph';
import { gaussian, seededRandom } from './random';
import { NEIGHBOUR_SEARCH_DEFAULTS } from './clustering-options';
import { dot } from './vector-math';
import { insertTopK, JsExactNeighbourIndex, NeighbourIndex, NeighbourSearchResult } from './neighbour-index';

type OrtModule = typeof import('onnxruntime-node');

let ortModule: OrtModule | null | undefined;
/** Set when onnxruntime loaded but cannot run here (e.g. under jest, whose sandbox has other typed-array classes). */
let ortBroken = false;
const sessions = new Map<string, Promise<InferenceSession>>();

function loadOrt(): OrtModule | null {
  if (ortModule === undefined) {
    try {
      // Loaded lazily so that the library stays usable (with the JS fallback) where the native binding is absent.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ortModule = require('onnxruntime-node') as OrtModule;
    } catch {
      ortModule = null;
    }
  }
  return ortModule;
}

export function isOnnxRuntimeAvailable(): boolean {
  return loadOrt() !== null && !ortBroken;
}

type Graph = { kind: 'topk' } | { kind: 'topk-u8s8' } | { kind: 'gather-dot' } | { kind: 'projection'; out: number };

function session(ort: OrtModule, dim: number, threads: number, graph: Graph): Promise<InferenceSession> {
  const cacheKey = `${dim}:${threads}:${graph.kind}:${graph.kind === 'projection' ? graph.out : 0}`;
  let s = sessions.get(cacheKey);
  if (!s) {
    const model =
      graph.kind === 'projection'
        ? buildProjectionGraph(dim, graph.out)
        : graph.kind === 'topk-u8s8'
          ? buildQuantizedTopKGraph(dim)
          : graph.kind === 'gather-dot'
            ? buildGatherDotGraph(dim)
            : buildTopKGraph(dim);
    s = ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // No busy-waiting between the short runs: the clusterer shares its machine.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    sessions.set(cacheKey, s);
  }
  return s;
}

export interface OnnxNeighbourIndexOptions {
  /** onnxruntime intra-op threads; 0 lets onnxruntime decide (one per physical core). */
  threads?: number;
  /** Upper bound on the bytes of one query chunk's score matrix. */
  maxScoreBytes?: number;
  /** Problems below this many dot products run in plain JS (see NEIGHBOUR_SEARCH_DEFAULTS.jsBelowDotProducts). */
  jsBelowDotProducts?: number;
}

/** Default of {@link OnnxNeighbourIndexOptions.jsBelowDotProducts}. */
export const JS_BELOW_DOT_PRODUCTS = NEIGHBOUR_SEARCH_DEFAULTS.jsBelowDotProducts;

/** Exact kNN through an in-memory onnxruntime graph Gemm + TopK (~150 M dot products/s/thread measured). */
export class OnnxNeighbourIndex implements NeighbourIndex {
  readonly size: number;
  private readonly js: JsExactNeighbourIndex;
  private baseTensor: Tensor | undefined;

  constructor(
    private readonly base: Float32Array,
    readonly dim: number,
    private readonly options: OnnxNeighbourIndexOptions = {},
  ) {
    this.size = base.length / dim;
    this.js = new JsExactNeighbourIndex(base, dim);
  }

  async search(queries: Float32Array, k: number): Promise<NeighbourSearchResult> {
    const nq = queries.length / this.dim;
    const kk = Math.min(k, this.size);
    const ort = loadOrt();
    if (!ort || ortBroken || kk === 0 || nq * this.size < (this.options.jsBelowDotProducts ?? JS_BELOW_DOT_PRODUCTS)) {
      return this.js.search(queries, k);
    }
    try {
      return await this.searchOrt(ort, queries, k, kk);
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error;
      ortBroken = true;
      return this.js.search(queries, k);
    }
  }

  private async searchOrt(
    ort: OrtModule,
    queries: Float32Array,
    k: number,
    kk: number,
  ): Promise<NeighbourSearchResult> {
    const nq = queries.length / this.dim;
    const s = await session(ort, this.dim, this.options.threads ?? 0, { kind: 'topk' });
    this.baseTensor ??= new ort.Tensor('float32', this.base, [this.size, this.dim]);
    const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(kk)]), [1]);
    const maxBytes = this.options.maxScoreBytes ?? NEIGHBOUR_SEARCH_DEFAULTS.maxScoreBytes;
    const chunk = Math.max(1, Math.min(nq, Math.floor(maxBytes / (4 * this.size))));
    const indices = new Int32Array(nq * k).fill(-1);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    for (let start = 0; start < nq; start += chunk) {
      const rows = Math.min(chunk, nq - start);
      const q = new ort.Tensor('float32', queries.subarray(start * this.dim, (start + rows) * this.dim), [
        rows,
        this.dim,
      ]);
      const out = await s.run({ queries: q, base: this.baseTensor, k: kTensor });
      const values = out.values.data as Float32Array;
      const idx = out.indices.data as BigInt64Array;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < kk; j++) {
          indices[(start + r) * k + j] = Number(idx[r * kk + j]);
          similarities[(start + r) * k + j] = values[r * kk + j];
        }
      }
      for (const t of Object.values(out)) t.dispose();
    }
    return { k, indices, similarities };
  }
}

/** x · R for a row-major x [n, dim] and R [dim, out], through onnxruntime when available. */
export async function projectRows(x: Float32Array, dim: number, r: Float32Array, out: number): Promise<Float32Array> {
  const n = x.length / dim;
  const ort = loadOrt();
  if (ort && !ortBroken) {
    try {
      const s = await session(ort, dim, 0, { kind: 'projection', out });
      const result = new Float32Array(n * out);
      const chunk = 65536;
      const rTensor = new ort.Tensor('float32', r, [dim, out]);
      for (let start = 0; start < n; start += chunk) {
        const rows = Math.min(chunk, n - start);
        const xs = new ort.Tensor('float32', x.subarray(start * dim, (start + rows) * dim), [rows, dim]);
        const y = (await s.run({ x: xs, r: rTensor })).y;
        result.set(y.data as Float32Array, start * out);
        y.dispose();
      }
      return result;
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error;
      ortBroken = true;
    }
  }
  const result = new Float32Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const v = x[i * dim + d];
      if (v === 0) continue;
      for (let j = 0; j < out; j++) result[i * out + j] += v * r[d * out + j];
    }
  }
  return result;
}

/** A fixed Gaussian random projection [dim, out] scaled by 1/sqrt(out) (inner products kept in expectation). */
export function randomProjection(
  dim: number,
  out: number,
  seed: number = NEIGHBOUR_SEARCH_DEFAULTS.projectionSeed,
): Float32Array {
  const random = seededRandom(seed);
  const r = new Float32Array(dim * out);
  const scale = 1 / Math.sqrt(out);
  for (let i = 0; i < r.length; i++) r[i] = gaussian(random) * scale;
  return r;
}

export interface ProjectedNeighbourIndexOptions {
  /** Dimensions after the random projection (search cost scales with it). */
  dims?: number;
  /** Shortlist size = k * oversample, re-ranked with exact inner products. */
  oversample?: number;
  seed?: number;
}

/**
 * Approximate kNN for large bases: a fixed Gaussian random projection to `dims` dimensions (inner products kept
 * within ~1/sqrt(dims), Johnson-Lindenstrauss), an exact onnxruntime top-(k * oversample) shortlist in the projected
 * space, then exact re-ranking in the full space. Costs dims/dim of the exact search.
 */
export class ProjectedNeighbourIndex implements NeighbourIndex {
  readonly size: number;
  private projected: Promise<{ r: Float32Array; index: NeighbourIndex }> | undefined;

  constructor(
    private readonly base: Float32Array,
    readonly dim: number,
    private readonly options: ProjectedNeighbourIndexOptions = {},
  ) {
    this.size = base.length / dim;
  }

  private prepare(): Promise<{ r: Float32Array; index: NeighbourIndex }> {
    this.projected ??= (async () => {
      const out = this.options.dims ?? NEIGHBOUR_SEARCH_DEFAULTS.projectionDims;
      const r = randomProjection(this.dim, out, this.options.seed ?? NEIGHBOUR_SEARCH_DEFAULTS.projectionSeed);
      const projectedBase = await projectRows(this.base, this.dim, r, out);
      return { r, index: new OnnxNeighbourIndex(projectedBase, out) };
    })();
    return this.projected;
  }

  async search(queries: Float32Array, k: number): Promise<NeighbourSearchResult> {
    const { r, index } = await this.prepare();
    return projectedSearch(
      queries,
      { base: this.base, dim: this.dim, r, projected: index },
      k,
      this.options.oversample,
    );
  }
}

/**
 * kNN through a random projection: the `k * oversample` (at least k + 8) best rows of `projected` (the base
 * already projected by `r`), re-ranked by their exact inner product with the full `base` rows.
 */
export async function projectedSearch(
  queries: Float32Array,
  space: { base: Float32Array; dim: number; r: Float32Array; projected: NeighbourIndex },
  k: number,
  oversample: number = NEIGHBOUR_SEARCH_DEFAULTS.oversample,
): Promise<NeighbourSearchResult> {
  const { base, dim, r, projected } = space;
  const nq = queries.length / dim;
  const shortlist = Math.min(projected.size, Math.max(k + 8, k * oversample));
  const coarse = await projected.search(await projectRows(queries, dim, r, projected.dim), shortlist);
  const indices = new Int32Array(nq * k).fill(-1);
  const similarities = new Float32Array(nq * k).fill(-Infinity);
  const exact = await shortlistScores(queries, base, dim, coarse.indices, shortlist);
  for (let q = 0; q < nq; q++) {
    // Insertion into the query's descending top-k: the shortlist is short and mostly rejected at the k-th score.
    const row = q * k;
    let filled = 0;
    for (let j = 0; j < shortlist; j++) {
      const b = coarse.indices[q * shortlist + j];
      if (b < 0) continue;
      filled = insertTopK(similarities, indices, row, k, filled, b, exact[q * shortlist + j]);
    }
  }
  return { k, indices, similarities };
}

/**
 * Exact inner product of each query with its `s` shortlisted base rows (`rows` [nq, s]; entries < 0 score 0), through
 * onnxruntime (Gather + batched MatMul, in chunks of <= 32 MB of gathered rows) when available, else plain JS.
 */
async function shortlistScores(
  queries: Float32Array,
  base: Float32Array,
  dim: number,
  rows: Int32Array,
  s: number,
): Promise<Float32Array> {
  const nq = queries.length / dim;
  const scores = new Float32Array(nq * s);
  const ort = loadOrt();
  if (ort && !ortBroken && s > 0 && nq * s >= 4096) {
    try {
      const session_ = await session(ort, dim, 0, { kind: 'gather-dot' });
      const baseTensor = new ort.Tensor('float32', base, [base.length / dim, dim]);
      const chunk = Math.max(1, Math.floor((32 * 1024 * 1024) / (4 * s * dim)));
      for (let start = 0; start < nq; start += chunk) {
        const n = Math.min(chunk, nq - start);
        const out = await session_.run({
          base: baseTensor,
          rows: new ort.Tensor('int32', rows.subarray(start * s, (start + n) * s), [n, s]),
          queries: new ort.Tensor('float32', queries.subarray(start * dim, (start + n) * dim), [n, dim, 1]),
        });
        scores.set(out.scores.data as Float32Array, start * s);
        out.scores.dispose();
      }
      return scores;
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error;
      ortBroken = true;
    }
  }
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < s; j++) {
      const b = rows[q * s + j];
      if (b >= 0) scores[q * s + j] = dot(queries, q * dim, base, b * dim, dim);
    }
  }
  return scores;
}

/** Bases at least this large use {@link ProjectedNeighbourIndex} in the default factory. */
export const PROJECTED_INDEX_MIN_SIZE = NEIGHBOUR_SEARCH_DEFAULTS.projectedIndexMinSize;

/**
 * onnxruntime when its native binding loads (exact below {@link PROJECTED_INDEX_MIN_SIZE} vectors, random projection
 * + exact re-ranking above), plain JS otherwise.
 */
export function createDefaultNeighbourIndex(base: Float32Array, dim: number): NeighbourIndex {
  if (!isOnnxRuntimeAvailable()) return new JsExactNeighbourIndex(base, dim);
  if (base.length / dim >= PROJECTED_INDEX_MIN_SIZE && dim > NEIGHBOUR_SEARCH_DEFAULTS.projectionDims)
    return new ProjectedNeighbourIndex(base, dim);
  return new OnnxNeighbourIndex(base, dim);
}

/** Always exact: onnxruntime when available, else plain JS. */
export function createExactNeighbourIndex(base: Float32Array, dim: number): NeighbourIndex {
  return isOnnxRuntimeAvailable() ? new OnnxNeighbourIndex(base, dim) : new JsExactNeighbourIndex(base, dim);
}

/**
 * 8-bit codes of projected unit vectors, whose components are ~N(0, 1/dim): base codes are int8 within +-63 (so that
 * CPUs without VNNI, whose u8 x s8 pair sums saturate at int16, stay exact), query codes uint8 with zero point 128;
 * both clip at 5 standard deviations. A score then errs by ~1e-3, against ~0.09 for the 128-d projection itself.
 */
export function quantizationScales(dim: number): { base: number; query: number } {
  const clip = 5 / Math.sqrt(dim);
  return { base: 63 / clip, query: 127 / clip };
}

export function quantizeBaseValue(v: number, scale: number): number {
  return Math.max(-63, Math.min(63, Math.round(v * scale)));
}

/**
 * Inner-product kNN over 8-bit codes (see {@link quantizationScales}) through onnxruntime's MatMulInteger + TopK,
 * which runs on the CPU's 8-bit dot-product instructions; similarities are the integer scores rescaled. `codesT` is
 * the base transposed, int8[dim, size]. Plain JS where onnxruntime cannot run.
 */
export class QuantizedNeighbourIndex implements NeighbourIndex {
  private readonly scales: { base: number; query: number };

  constructor(
    private readonly codesT: Int8Array,
    readonly dim: number,
    readonly size: number,
    private readonly options: Pick<OnnxNeighbourIndexOptions, 'threads' | 'maxScoreBytes'> = {},
  ) {
    if (codesT.length !== dim * size) throw new RangeError(`expected ${dim} x ${size} codes`);
    this.scales = quantizationScales(dim);
  }

  async search(queries: Float32Array, k: number): Promise<NeighbourSearchResult> {
    const { dim, size } = this;
    const nq = queries.length / dim;
    const kk = Math.min(k, size);
    const indices = new Int32Array(nq * k).fill(-1);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    if (kk === 0 || nq === 0) return { k, indices, similarities };
    const codes = new Uint8Array(queries.length);
    for (let i = 0; i < queries.length; i++) {
      codes[i] = Math.max(0, Math.min(255, Math.round(queries[i] * this.scales.query) + 128));
    }
    const unscale = 1 / (this.scales.base * this.scales.query);
    const result = { k, indices, similarities };
    const ort = loadOrt();
    if (ort && !ortBroken) {
      try {
        await this.searchOrt(ort, codes, kk, unscale, result);
        return result;
      } catch (error: unknown) {
        if (!(error instanceof TypeError)) throw error;
        ortBroken = true;
      }
    }
    this.searchJs(codes, kk, unscale, result);
    return result;
  }

  /** Fills `result`'s first `kk` places per query (`result.k` wide) from the query codes. */
  private async searchOrt(
    ort: OrtModule,
    codes: Uint8Array,
    kk: number,
    unscale: number,
    { k, indices, similarities }: NeighbourSearchResult,
  ): Promise<void> {
    const { dim, size } = this;
    const nq = codes.length / dim;
    const s = await session(ort, dim, this.options.threads ?? 0, { kind: 'topk-u8s8' });
    const base = new ort.Tensor('int8', this.codesT, [dim, size]);
    const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(kk)]), [1]);
    const maxBytes = this.options.maxScoreBytes ?? NEIGHBOUR_SEARCH_DEFAULTS.maxScoreBytes;
    const chunk = Math.max(1, Math.min(nq, Math.floor(maxBytes / (4 * size))));
    for (let start = 0; start < nq; start += chunk) {
      const rows = Math.min(chunk, nq - start);
      const q = new ort.Tensor('uint8', codes.subarray(start * dim, (start + rows) * dim), [rows, dim]);
      const out = await s.run({ queries: q, baseT: base, k: kTensor });
      const values = out.values.data as Int32Array;
      const idx = out.indices.data as BigInt64Array;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < kk; j++) {
          indices[(start + r) * k + j] = Number(idx[r * kk + j]);
          similarities[(start + r) * k + j] = values[r * kk + j] * unscale;
        }
      }
      for (const t of Object.values(out)) t.dispose();
    }
  }

  private searchJs(
    codes: Uint8Array,
    kk: number,
    unscale: number,
    { k, indices, similarities }: NeighbourSearchResult,
  ): void {
    const { dim, size, codesT } = this;
    const nq = codes.length / dim;
    const scores = new Float64Array(size);
    for (let q = 0; q < nq; q++) {
      scores.fill(0);
      for (let d = 0; d < dim; d++) {
        const a = codes[q * dim + d] - 128;
        if (a === 0) continue;
        for (let i = 0; i < size; i++) scores[i] += a * codesT[d * size + i];
      }
      const order = Array.from({ length: size }, (_, i) => i).sort((x, y) => scores[y] - scores[x] || x - y);
      for (let j = 0; j < kk; j++) {
        indices[q * k + j] = order[j];
        similarities[q * k + j] = scores[order[j]] * unscale;
      }
    }
  }
}
