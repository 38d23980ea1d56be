import { CommonConfig } from '@app/config';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { eventTransportOptions } from './event-transport';

/**
 * Creates one of the apps: an HTTP app (API, or health and metrics for the workers) that is also a Nest
 * microservice on the DomainEvent transport. Logs go through pino from the first line. `configure` runs
 * before init (middleware, Swagger). The app is initialised and its microservice started, not listening.
 */
export async function createServiceApp(
  root: DynamicModule,
  config: Pick<CommonConfig, 'REDIS_URL'>,
  configure?: (app: NestExpressApplication) => void,
  options: { bodyParser?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: options.bodyParser ?? true,
  });
  app.useLogger(app.get(Logger));
  configure?.(app);
  app.connectMicroservice(eventTransportOptions(config), { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  return app;
}
