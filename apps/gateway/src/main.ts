import { gatewayEnvSchema, loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';
import { createGatewayApp } from './gateway.app';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(gatewayEnvSchema);
  const app = await createGatewayApp(config);
  app.enableShutdownHooks();
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  new Logger('Gateway').log(`Listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT} (docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
