import { APP_CONFIG, databaseOptions, GatewayConfig, storageOptions } from '@app/config';
import { QueueName } from '@app/contracts';
import { DatabaseModule } from '@app/database';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { MessagingModule } from '@app/messaging';
import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { ImmExceptionFilter } from './common/imm-exception.filter';
import { RequestIdInterceptor } from './common/request-id.interceptor';
import { DashboardModule } from './dashboard/dashboard.module';
import { ImmModule } from './imm/imm.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** Shared infrastructure: config, database, object store, queues and the domain-event transport. */
function infrastructure(config: GatewayConfig): Imports {
  return [
    DatabaseModule.forRoot({
      ...databaseOptions(config),
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    }),
    StorageModule.register(storageOptions(config)),
    MessagingModule.forRoot(config, Object.values(QueueName)),
  ];
}

/** The gateway's feature modules. Add new ones here (e.g. the operator dashboard). */
function features(): Imports {
  return [AuthModule, ImmModule, DashboardModule];
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      imports: [...infrastructure(config), ObservabilityModule.forRoot({ app: 'gateway', config }), ...features()],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ImmExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestIdInterceptor },
      ],
      exports: [APP_CONFIG],
    };
  }
}
