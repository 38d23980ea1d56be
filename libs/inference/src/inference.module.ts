import { DynamicModule, Module } from '@nestjs/common';
import { FacePipeline } from './face-pipeline.service';
import { ImageRepository } from './image.repository';
import { INFERENCE_OPTIONS, resolveInferenceOptions, type InferenceOptions } from './inference.options';
import { InferenceRepository } from './inference.repository';

/** Face pipeline for the indexer: `InferenceModule.register({ intraOpThreads, interOpThreads, allowSpinning })`. */
@Module({})
export class InferenceModule {
  static register(options: InferenceOptions): DynamicModule {
    return {
      module: InferenceModule,
      providers: [
        { provide: INFERENCE_OPTIONS, useValue: resolveInferenceOptions(options) },
        ImageRepository,
        InferenceRepository,
        FacePipeline,
      ],
      exports: [FacePipeline],
    };
  }
}

/** Builds a pipeline without Nest (benchmarks, worker threads, scripts). */
export function createFacePipeline(options: InferenceOptions): FacePipeline {
  const resolved = resolveInferenceOptions(options);
  return new FacePipeline(new ImageRepository(), new InferenceRepository(resolved), resolved);
}
