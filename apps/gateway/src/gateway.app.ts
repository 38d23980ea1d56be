import { GatewayConfig, redisConnection } from '@app/config';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bodyErrorHandler, jsonBodyParser } from './common/json-body';
import { requestIdMiddleware } from './common/request-context';
import { GatewayModule } from './gateway.module';

const levels: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

function nestLogLevels(level: GatewayConfig['LOG_LEVEL']): LogLevel[] | false {
  switch (level) {
    case 'silent':
      return false;
    case 'fatal':
      return levels.slice(0, 1);
    case 'error':
      return levels.slice(0, 2);
    case 'warn':
      return levels.slice(0, 3);
    case 'info':
      return levels.slice(0, 4);
    case 'debug':
      return levels.slice(0, 5);
    case 'trace':
      return levels;
  }
}

/**
 * Builds the gateway fully configured (body parser, IMM errors, Swagger, domain-event subscription) and
 * initialised, without listening: the caller runs `await app.listen(port)` (or uses getHttpServer in tests).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config.LOG_LEVEL),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIdMiddleware);
  app.use(jsonBodyParser(config.BODY_LIMIT_BYTES));
  app.use(bodyErrorHandler);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('facecluster')
      .setDescription(
        'Self-hosted face clustering with the Alibaba Cloud IMM API: every operation is `POST /api/v1/<OperationName>` ' +
          'with the IMM request body as JSON; responses are IMM bodies plus `RequestId`; errors are `{ RequestId, Code, Message }`.',
      )
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
  });

  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.REDIS, options: { ...redisConnection(config), retryAttempts: 10, retryDelay: 1000 } },
    { inheritAppConfig: true },
  );
  await app.init();
  await app.startAllMicroservices();
  return app;
}
