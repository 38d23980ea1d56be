import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildTopKGraph } from './onnx-graph';
import { JsExactNeighbourIndex, NeighbourIndex, NeighbourSearchResult } from './neighbour-index';

type OrtModule = typeof import('onnxruntime-node');

let ortModule: OrtModule | null | undefined;
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
  return loadOrt() !== null;
}

function session(ort: OrtModule, dim: number, threads: number): Promise<InferenceSession> {
  const cacheKey = `${dim}:${threads}`;
  let s = sessions.get(cacheKey);
  if (!s) {
    s = ort.InferenceSession.create(buildTopKGraph(dim), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
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
  /** Problems below this many dot products run in plain JS (onnxruntime call overhead dominates). */
  jsBelowDotProducts?: number;
}

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
    if (!ort || kk === 0 || nq * this.size < (this.options.jsBelowDotProducts ?? 2_000_000)) {
      return this.js.search(queries, k);
    }
    const s = await session(ort, this.dim, this.options.threads ?? 0);
    this.baseTensor ??= new ort.Tensor('float32', this.base, [this.size, this.dim]);
    const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(kk)]), [1]);
    const maxBytes = this.options.maxScoreBytes ?? 128 * 1024 * 1024;
    const chunk = Math.max(1, Math.min(nq, Math.floor(maxBytes / (4 * this.size))));
    const indices = new Int32Array(nq * k).fill(-1);
    const similarities = new Float32Array(nq * k).fill(-Infinity);
    for (let start = 0; start < nq; start += chunk) {
      const rows = Math.min(chunk, nq - start);
      const q = new ort.Tensor('float32', queries.subarray(start * this.dim, (start + rows) * this.dim), [rows, this.dim]);
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

/** onnxruntime when its native binding loads, plain JS otherwise. */
export function createDefaultNeighbourIndex(base: Float32Array, dim: number): NeighbourIndex {
  return isOnnxRuntimeAvailable() ? new OnnxNeighbourIndex(base, dim) : new JsExactNeighbourIndex(base, dim);
}
