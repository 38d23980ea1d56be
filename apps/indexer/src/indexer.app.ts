import { IndexerConfig, redisConnection } from '@app/config';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { IndexerModule } from './indexer.module';

const levels: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const levelCount: Record<IndexerConfig['LOG_LEVEL'], number> = {
  silent: 0,
  fatal: 1,
  error: 2,
  warn: 3,
  info: 4,
  debug: 5,
  trace: 6,
};

/**
 * Builds the indexer (queue workers + domain-event transport + HTTP health), initialised and with its
 * microservice started, without listening: the caller runs `await app.listen(config.INDEXER_PORT)`.
 */
export async function createIndexerApp(config: IndexerConfig): Promise<INestApplication> {
  const count = levelCount[config.LOG_LEVEL];
  const app = await NestFactory.create(IndexerModule.forRoot(config), {
    logger: count === 0 ? false : levels.slice(0, count),
    abortOnError: false,
  });
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.REDIS, options: { ...redisConnection(config), retryAttempts: 10, retryDelay: 1000 } },
    { inheritAppConfig: true },
  );
  await app.init();
  await app.startAllMicroservices();
  return app;
}
