import type { AnalyzeOptions, ImageAnalysis } from './face.types';

/**
 * What the indexer asks of the inference lib: analyse one encoded image. Implemented in-thread by `FacePipeline`
 * and on worker threads by `FaceAnalyzerPool` (onnxruntime-node runs a model synchronously on the calling
 * thread, so worker threads are how one process uses several cores and keeps its event loop free).
 */
export abstract class FaceAnalyzer {
  abstract analyze(buffer: Buffer, options?: AnalyzeOptions): Promise<ImageAnalysis>;
}
