import { APP_CONFIG, databaseOptions, IndexerConfig, storageOptions } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { InferenceModule } from '@app/inference';
import { StorageModule } from '@app/storage';
import { MessagingModule } from '@app/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { ClusterMatchRegistry } from './faces/cluster-match.registry';
import { FaceEventsService } from './faces/face-events.service';
import { FaceQueryProcessor } from './faces/face-query.processor';
import { FaceQueryService } from './faces/face-query.service';
import { IndexFileProcessor } from './index-file.processor';
import { IndexFileService } from './index-file.service';
import { ScanBindingProcessor } from './scan-binding.processor';
import { ScanBindingService } from './scan-binding.service';
import { WorkReconciler } from './work-reconciler.service';

/** The indexer: workers for the index and scan queues, producer for the cluster queue. */
@Module({})
export class IndexerModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        // Logging, GET /metrics, GET /health/live and /health/ready.
        ObservabilityModule.forRoot({ app: 'indexer', config }),
        StorageModule.register(storageOptions(config)),
        MessagingModule.forRoot(config, [QueueName.Index, QueueName.Scan, QueueName.Cluster, QueueName.Faces]),
        InferenceModule.register(
          {
            intraOpThreads: config.ORT_INTRA_OP_THREADS,
            interOpThreads: config.ORT_INTER_OP_THREADS,
            allowSpinning: config.ORT_ALLOW_SPINNING,
            attributes: config.INDEXER_ATTRIBUTES,
            maxDecodeBytes: config.IMAGE_MAX_DECODE_BYTES,
            decodeTimeoutSeconds: config.IMAGE_DECODE_TIMEOUT_SECONDS,
          },
          config.INDEXER_INFERENCE_WORKERS,
        ),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        IndexFileService,
        IndexFileProcessor,
        ScanBindingService,
        ScanBindingProcessor,
        WorkReconciler,
        ClusterMatchRegistry,
        FaceEventsService,
        FaceQueryService,
        FaceQueryProcessor,
      ],
    };
  }
}
