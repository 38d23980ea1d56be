import { GatewayConfig } from '@app/config';
import { createServiceApp } from '@app/messaging';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bodyErrorHandler, jsonBodyParser } from './common/json-body';
import { requestIdMiddleware } from './common/request-context';
import { GatewayModule } from './gateway.module';

// The gateway's public surface for integration tests (test/ may import this file and nothing deeper).
export { parseSimpleQuery, parseSort } from './search/simple-query.parser';
export { TaskJanitorService } from './tasks/task-janitor.service';

/**
 * Builds the gateway fully configured (body parser, IMM errors, Swagger, domain-event subscription) and
 * initialised, without listening: the caller runs `await app.listen(port)` (or uses getHttpServer in tests).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  return createServiceApp(GatewayModule.forRoot(config), config, (app) => configureHttp(app, config), {
    bodyParser: false,
  });
}

/** Body parsing with IMM errors, request ids and the OpenAPI document, before the app initialises. */
function configureHttp(app: NestExpressApplication, config: GatewayConfig): void {
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
}
