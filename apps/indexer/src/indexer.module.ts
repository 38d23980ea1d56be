import { APP_CONFIG, databaseOptions, IndexerConfig, redisConnection, storageOptions } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { InferenceModule } from '@app/inference';
import { StorageModule } from '@app/storage';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { DomainEventPublisher } from './domain-event.publisher';
import { IndexFileProcessor } from './index-file.processor';
import { IndexFileService } from './index-file.service';
import { EVENTS_CLIENT } from './indexer.tokens';
import { ScanBindingProcessor } from './scan-binding.processor';
import { ScanBindingService } from './scan-binding.service';

/** The indexer: workers for the index and scan queues, producer for the cluster queue. */
@Module({})
export class IndexerModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    const connection = redisConnection(config);
    return {
      module: IndexerModule,
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        // Logging, GET /metrics, GET /health/live and /health/ready.
        ObservabilityModule.forRoot({ app: 'indexer', config }),
        StorageModule.register(storageOptions(config)),
        BullModule.forRoot({ connection, prefix: config.QUEUE_PREFIX }),
        BullModule.registerQueue({ name: QueueName.Index }, { name: QueueName.Scan }, { name: QueueName.Cluster }),
        InferenceModule.register({
          intraOpThreads: config.ORT_INTRA_OP_THREADS,
          interOpThreads: config.ORT_INTER_OP_THREADS,
          allowSpinning: config.ORT_ALLOW_SPINNING,
        }),
        ClientsModule.register([
          {
            name: EVENTS_CLIENT,
            transport: Transport.REDIS,
            options: { ...connection, retryAttempts: 10, retryDelay: 1000 },
          },
        ]),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        DomainEventPublisher,
        IndexFileService,
        IndexFileProcessor,
        ScanBindingService,
        ScanBindingProcessor,
      ],
    };
  }
}
