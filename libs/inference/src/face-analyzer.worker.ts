import { workerData } from 'piscina';
import type { AnalyzeOptions, ImageAnalysis } from './face.types';
import { ImageRejectedError, type ImageRejectedCode } from './image-rejected.error';
import { createFacePipeline } from './inference.module';
import type { InferenceOptions } from './inference.options';

/** One task for a worker thread: analyse an image, or just wait until the models are loaded. */
export type AnalyzerTask = { kind: 'load' } | { kind: 'analyze'; image: Uint8Array; options?: AnalyzeOptions };

/** What the pool hands each thread: the worker module (read by ts-worker-entry.js) and the pipeline options. */
export interface AnalyzerWorkerData {
  entry: string;
  options: InferenceOptions;
}

/** Rejected images cross the thread boundary as data (structured clone drops an Error's custom fields). */
export type AnalyzerResult =
  | { kind: 'loaded' }
  | { kind: 'analysis'; analysis: ImageAnalysis }
  | { kind: 'rejected'; code: ImageRejectedCode; message: string };

// One pipeline (own onnxruntime sessions) per worker thread; models start loading as the thread starts.
const pipeline = createFacePipeline((workerData as AnalyzerWorkerData).options);
const loaded = pipeline.loadModels();
// Surfaced by the first task instead; this only keeps the rejection from being reported as unhandled.
loaded.catch(() => undefined);

export default async function handle(task: AnalyzerTask): Promise<AnalyzerResult> {
  await loaded;
  if (task.kind === 'load') return { kind: 'loaded' };
  const buffer = Buffer.from(task.image.buffer, task.image.byteOffset, task.image.byteLength);
  try {
    return { kind: 'analysis', analysis: await pipeline.analyze(buffer, task.options) };
  } catch (error) {
    if (error instanceof ImageRejectedError) return { kind: 'rejected', code: error.code, message: error.message };
    throw error;
  }
}
