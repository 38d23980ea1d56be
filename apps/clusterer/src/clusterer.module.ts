import { APP_CONFIG, ClustererConfig, databaseOptions, redisConnection } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { ClusterDatasetProcessor } from './cluster-dataset.processor';
import { ClusterDatasetService } from './cluster-dataset.service';
import { CLUSTER_RUN_HOOKS, ClusterRunHooks } from './cluster-run.hooks';
import { EVENTS_CLIENT } from './clusterer.tokens';
import { DomainEventPublisher } from './domain-event.publisher';

export interface ClustererModuleOptions {
  /** Test seam, see ClusterRunHooks. */
  hooks?: ClusterRunHooks;
}

/** The clusterer: the worker of the cluster queue. */
@Module({})
export class ClustererModule {
  static forRoot(config: ClustererConfig, options: ClustererModuleOptions = {}): DynamicModule {
    const connection = redisConnection(config);
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      DomainEventPublisher,
      ClusterDatasetService,
      ClusterDatasetProcessor,
    ];
    if (options.hooks) providers.push({ provide: CLUSTER_RUN_HOOKS, useValue: options.hooks });
    return {
      module: ClustererModule,
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        // Logging, GET /metrics, GET /health/live and /health/ready.
        ObservabilityModule.forRoot({ app: 'clusterer', config }),
        BullModule.forRoot({ connection, prefix: config.QUEUE_PREFIX }),
        BullModule.registerQueue({ name: QueueName.Cluster }),
        ClientsModule.register([
          {
            name: EVENTS_CLIENT,
            transport: Transport.REDIS,
            options: { ...connection, retryAttempts: 10, retryDelay: 1000 },
          },
        ]),
      ],
      providers,
    };
  }
}
