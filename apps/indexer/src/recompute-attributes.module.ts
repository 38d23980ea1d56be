import { APP_CONFIG, databaseOptions, IndexerConfig, storageOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { InferenceModule } from '@app/inference';
import { StorageModule } from '@app/storage';
import { DynamicModule, Module } from '@nestjs/common';
import { RecomputeAttributesService } from './recompute-attributes.service';

/** The maintenance command's context: database, object store and the pipeline in-process (no queues, no HTTP). */
@Module({})
export class RecomputeAttributesModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    return {
      module: RecomputeAttributesModule,
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        StorageModule.register(storageOptions(config)),
        InferenceModule.register({
          intraOpThreads: config.ORT_INTRA_OP_THREADS,
          interOpThreads: config.ORT_INTER_OP_THREADS,
          allowSpinning: config.ORT_ALLOW_SPINNING,
          attributes: ['age', 'gender'],
        }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, RecomputeAttributesService],
    };
  }
}
