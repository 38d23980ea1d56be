import { APP_CONFIG, ClustererConfig, databaseOptions } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { MessagingModule } from '@app/messaging';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ClusterDatasetProcessor } from './cluster-dataset.processor';
import { ClusterDatasetService } from './cluster-dataset.service';
import { CLUSTER_RUN_HOOKS, ClusterRunHooks } from './cluster-run.hooks';
import { ClusteringIndexRegistry } from './clustering-index.registry';

export interface ClustererModuleOptions {
  /** Test seam, see ClusterRunHooks. */
  hooks?: ClusterRunHooks;
}

/** The clusterer: the worker of the cluster queue. */
@Module({})
export class ClustererModule {
  static forRoot(config: ClustererConfig, options: ClustererModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      ClusterDatasetService,
      ClusterDatasetProcessor,
      ClusteringIndexRegistry,
    ];
    if (options.hooks) providers.push({ provide: CLUSTER_RUN_HOOKS, useValue: options.hooks });
    return {
      module: ClustererModule,
      imports: [
        DatabaseModule.forRoot(databaseOptions(config)),
        // Logging, GET /metrics, GET /health/live and /health/ready.
        ObservabilityModule.forRoot({ app: 'clusterer', config }),
        MessagingModule.forRoot(config, [QueueName.Cluster]),
      ],
      providers,
    };
  }
}
