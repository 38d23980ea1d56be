import type { Server } from 'node:http';
import { GatewayConfig } from '@app/config';
import { createServiceApp } from '@app/messaging';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AuthenticationMiddleware } from './auth/authentication.middleware';
import { bodyErrorHandler, formBodyParser, jsonBodyParser } from './common/json-body';
import { requestIdMiddleware } from './common/request-context';
import { GatewayModule } from './gateway.module';
import { rpcEndpoint } from './rpc/rpc-endpoint.middleware';

// The gateway's public surface for integration tests (test/ may import this file and nothing deeper).
export { parseSimpleQuery, parseSort } from './search/simple-query.parser';
export { TaskJanitorService } from './tasks/task-janitor.service';
export { WebhookClient, WebhookRefusedError } from './notifications/webhook.client';

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
  // Security headers on every response (nosniff, a CSP with no inline script, no framing). The dashboard sets a
  // stricter CSP of its own; plain-http deployments keep working (no upgrade-insecure-requests, no HSTS: TLS is
  // the reverse proxy's business).
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'upgrade-insecure-requests': null, 'frame-ancestors': ["'none'"] },
      },
      strictTransportSecurity: false,
    }),
  );
  app.set('query parser', 'simple');
  app.use(requestIdMiddleware);
  app.use(jsonBodyParser(config.BODY_LIMIT_BYTES));
  app.use(formBodyParser(config.BODY_LIMIT_BYTES));
  app.use(bodyErrorHandler);
  // Before every route, Swagger's and bull-board's included: authentication is default-deny.
  app.use(app.get(AuthenticationMiddleware).handle);
  app.use(rpcEndpoint);
  // RPC clients put every parameter in the query string: 100 files must fit in the request head.
  // Node reads the server's maxHeaderSize for every new connection (the constructor option, set afterwards).
  (app.getHttpServer() as Server & { maxHeaderSize?: number }).maxHeaderSize = config.MAX_HEADER_BYTES;

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
