import {
  DynamicModule,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Logger, LoggerModule } from 'nestjs-pino';
import { Logger as NestLogger } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ReadinessRegistry } from './health/readiness.registry';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { loggerParams } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability.options';
import { WorkerMetricsService } from './worker-metrics.service';

/** Makes the pino logger Nest's logger, so `new Logger(Class.name)` lines are structured JSON with the request id. */
@Injectable()
class NestLoggerInstaller implements OnApplicationBootstrap {
  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.installNestLogger !== false) NestLogger.overrideLogger(this.logger);
  }
}

/**
 * Logging (nestjs-pino: JSON lines with the request or job id, secrets redacted), Prometheus metrics
 * (GET /metrics) and health (GET /health/live, GET /health/ready) for one app:
 * `ObservabilityModule.forRoot({ app: 'gateway', config })`. Global: MetricsService and ReadinessRegistry
 * can be injected anywhere.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(options.app, options.config.LOG_LEVEL)),
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
        DiscoveryModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        MetricsService,
        WorkerMetricsService,
        ReadinessRegistry,
        HealthService,
        NestLoggerInstaller,
      ],
      exports: [MetricsService, ReadinessRegistry, WorkerMetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
