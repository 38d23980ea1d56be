import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Piscina } from 'piscina';
import { FaceAnalyzer } from './face-analyzer';
import type { AnalyzerResult, AnalyzerTask, AnalyzerWorkerData } from './face-analyzer.worker';
import type { AnalyzeOptions, ImageAnalysis } from './face.types';
import { ImageRejectedError } from './image-rejected.error';
import { INFERENCE_OPTIONS, type ResolvedInferenceOptions } from './inference.options';

/**
 * A piscina pool of exactly `threads` threads that live as long as the pool (the workers here hold onnxruntime
 * sessions, costly to create), running the worker module `withoutExtension`: compiled, the `.js` beside it;
 * from TypeScript sources, ts-worker-entry.js, which registers ts-node in the thread and then loads the `.ts`
 * named by `workerData.entry`. The module reads `data` as its `workerData`.
 */
export function fixedWorkerPool<Task, Result>(
  withoutExtension: string,
  threads: number,
  data: object,
): Piscina<Task, Result> {
  const fromSources = extname(__filename) === '.ts';
  return new Piscina<Task, Result>({
    filename: fromSources ? join(__dirname, 'ts-worker-entry.js') : `${withoutExtension}.js`,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { ...data, entry: `${withoutExtension}${fromSources ? '.ts' : '.js'}` },
  });
}

/** Worker-pool size; a separate token so the options object stays what a single pipeline needs. */
export const ANALYZER_WORKERS = Symbol('ANALYZER_WORKERS');

/**
 * Runs the face pipeline on a fixed number of worker threads (piscina), each with its own onnxruntime sessions.
 * Tasks queue in the pool and go to the first idle thread. A rejected image comes back as the same
 * `ImageRejectedError` the in-thread pipeline throws; a thread that dies (native crash, out of memory) fails
 * its task with an ordinary error, which callers treat as transient, and piscina starts a new thread.
 */
@Injectable()
export class FaceAnalyzerPool extends FaceAnalyzer implements OnModuleInit, OnModuleDestroy {
  private readonly pool: Piscina<AnalyzerTask, AnalyzerResult>;

  constructor(
    @Inject(INFERENCE_OPTIONS) options: ResolvedInferenceOptions,
    @Inject(ANALYZER_WORKERS) readonly threads: number,
  ) {
    super();
    this.pool = fixedWorkerPool<AnalyzerTask, AnalyzerResult>(join(__dirname, 'face-analyzer.worker'), threads, {
      options,
    } satisfies Omit<AnalyzerWorkerData, 'entry'>);
  }

  /** Resolves when every thread has its models loaded (fails the app's start when a model cannot load). */
  async onModuleInit(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.pool.run({ kind: 'load' })));
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }

  async analyze(buffer: Buffer, options?: AnalyzeOptions): Promise<ImageAnalysis> {
    const result = await this.pool.run({ kind: 'analyze', image: buffer, options });
    if (result.kind === 'rejected') throw new ImageRejectedError(result.code, result.message);
    if (result.kind !== 'analysis') throw new Error(`unexpected worker result ${result.kind}`);
    const { analysis } = result;
    // Structured clone turns Buffers into plain Uint8Arrays; callers expect Buffers.
    for (const face of analysis.faces) {
      if (face.thumbnail && !Buffer.isBuffer(face.thumbnail)) {
        const t: Uint8Array = face.thumbnail;
        face.thumbnail = Buffer.from(t.buffer, t.byteOffset, t.byteLength);
      }
    }
    return analysis;
  }

  /** Threads currently alive in the pool. */
  get liveThreads(): number {
    return this.pool.threads.length;
  }
}
