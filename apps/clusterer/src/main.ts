import { clustererEnvSchema, loadConfigOrExit } from '@app/config';
import { Logger } from '@nestjs/common';
import { createClustererApp } from './clusterer.app';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(clustererEnvSchema);
  const app = await createClustererApp(config);
  app.enableShutdownHooks();
  await app.listen(config.CLUSTERER_PORT);
  new Logger('Clusterer').log(
    `Clusterer ready (concurrency ${config.CLUSTERER_CONCURRENCY}); health on :${config.CLUSTERER_PORT}/health/ready`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Clusterer failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
