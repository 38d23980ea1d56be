import { redisConnection } from '@app/config';
import { StorageRepository } from '@app/storage';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { withTimeout } from '../metrics.service';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options';
import { ReadinessRegistry } from './readiness.registry';

const CHECK_TIMEOUT_MS = 3000;

/** Liveness (the process answers) and readiness (every dependency answers) for one app. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private redis?: Redis;

  constructor(
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly storage?: StorageRepository,
  ) {}

  live() {
    return this.health.check([]);
  }

  ready() {
    const checks: Array<() => Promise<HealthIndicatorResult>> = [];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.probe('postgres', async () => void (await dataSource.query('SELECT 1'))));
    checks.push(() => this.probe('redis', async () => void (await this.redisClient().ping())));
    const storage = this.storage;
    if (storage && this.options.checkStorage !== false) {
      const bucket = this.options.config.S3_DEFAULT_BUCKET;
      checks.push(() =>
        this.probe('storage', async () => {
          // A missing default bucket is not fatal (buckets come from the API), an unreachable store is.
          await storage.bucketExists(bucket);
        }),
      );
    }
    for (const [name, check] of this.registry.entries()) {
      checks.push(() =>
        this.probe(name, async () => {
          if ((await check()) === false) throw new Error(`${name} is not ready`);
        }),
      );
    }
    return this.health.check(checks);
  }

  private async probe(key: string, run: () => Promise<void>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const started = Date.now();
    try {
      await withTimeout(run(), CHECK_TIMEOUT_MS, `${key} check`);
      return indicator.up({ ms: Date.now() - started });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private redisClient(): Redis {
    this.redis ??= new Redis({
      ...redisConnection(this.options.config),
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectionName: `facecluster-${this.options.app}-health`,
    });
    // Errors surface through ping(); without a listener ioredis would log every reconnect attempt.
    this.redis.on('error', () => undefined);
    return this.redis;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }
}
