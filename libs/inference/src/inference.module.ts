import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { FaceAnalyzer } from './face-analyzer';
import { ANALYZER_WORKERS, FaceAnalyzerPool } from './face-analyzer.pool';
import { FacePipeline } from './face-pipeline.service';
import { ImageRepository } from './image.repository';
import { INFERENCE_OPTIONS, resolveInferenceOptions, type InferenceOptions } from './inference.options';
import { InferenceRepository } from './inference.repository';

/**
 * Face analysis for the indexer: `InferenceModule.register({ intraOpThreads, interOpThreads, allowSpinning },
 * workers)`. Provides `FaceAnalyzer`: with `workers` >= 1 a pool of that many worker threads (each loads its
 * own models; the main thread loads none), with 0 the pipeline on the calling thread (`FacePipeline`, also
 * exported then).
 */
@Module({})
export class InferenceModule {
  static register(options: InferenceOptions, workers = 0): DynamicModule {
    const resolved = { provide: INFERENCE_OPTIONS, useValue: resolveInferenceOptions(options) };
    const providers: Provider[] =
      workers > 0
        ? [
            resolved,
            { provide: ANALYZER_WORKERS, useValue: workers },
            FaceAnalyzerPool,
            { provide: FaceAnalyzer, useExisting: FaceAnalyzerPool },
          ]
        : [
            resolved,
            ImageRepository,
            InferenceRepository,
            FacePipeline,
            { provide: FaceAnalyzer, useExisting: FacePipeline },
          ];
    return {
      module: InferenceModule,
      providers,
      exports: workers > 0 ? [FaceAnalyzer] : [FaceAnalyzer, FacePipeline],
    };
  }
}

/** Builds a pipeline without Nest (benchmarks, worker threads, scripts). */
export function createFacePipeline(options: InferenceOptions): FacePipeline {
  const resolved = resolveInferenceOptions(options);
  return new FacePipeline(new ImageRepository(resolved), new InferenceRepository(resolved), resolved);
}
