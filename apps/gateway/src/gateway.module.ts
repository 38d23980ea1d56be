import { APP_CONFIG, databaseOptions, GatewayConfig, redisConnection, storageOptions } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { ApiKeyGuard } from './common/api-key.guard';
import { ImmExceptionFilter } from './common/imm-exception.filter';
import { RequestIdInterceptor } from './common/request-id.interceptor';
import { DashboardModule } from './dashboard/dashboard.module';
import { ImmModule } from './imm/imm.module';
import { EVENTS_CLIENT } from './gateway.tokens';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** Shared infrastructure: config, database, object store, queues, the domain-event client. */
function infrastructure(config: GatewayConfig, queues: Imports): Imports {
  const connection = redisConnection(config);
  return [
    DatabaseModule.forRoot(databaseOptions(config)),
    StorageModule.register(storageOptions(config)),
    BullModule.forRoot({ connection, prefix: config.QUEUE_PREFIX }),
    ...queues,
    ClientsModule.register({
      isGlobal: true,
      clients: [
        {
          name: EVENTS_CLIENT,
          transport: Transport.REDIS,
          options: { ...connection, retryAttempts: 10, retryDelay: 1000 },
        },
      ],
    }),
  ];
}

/** The gateway's feature modules. Add new ones here (e.g. the operator dashboard). */
function features(): Imports {
  return [ImmModule, DashboardModule];
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    // Registered once here and exported (the module is global), so every feature injects the same Queue objects.
    const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name }));
    return {
      module: GatewayModule,
      global: true,
      imports: [
        ...infrastructure(config, queues),
        ObservabilityModule.forRoot({ app: 'gateway', config }),
        ...features(),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ImmExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestIdInterceptor },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [APP_CONFIG, ...queues],
    };
  }
}
